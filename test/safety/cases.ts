// The SAFETY.md checklist (../shared/docs/SAFETY.md), one short title per case. Tests claim a case by its tag
// in their title (or a describe block's title): `SAFETY §N: …`.

export const SAFETY_CASES: ReadonlyArray<{ id: number; title: string }> = [
  { id: 1, title: 'paths outside the workspace (../, absolute, ~) refused' },
  { id: 2, title: 'symlink escapes refused' },
  { id: 3, title: 'case/separator/Unicode variants of protected paths' },
  { id: 4, title: 'protected paths never auto-applied' },
  { id: 5, title: 'approval settings from user scope only' },
  { id: 6, title: 'binary, huge, non-UTF-8 files' },
  { id: 7, title: 'CRLF, BOM, final newline preserved' },
  { id: 8, title: 'user edits while pending; dirty buffers' },
  { id: 9, title: 'secret and ignored files not sent' },
  { id: 10, title: 'dangerous commands always ask' },
  { id: 11, title: 'allow-list smuggling' },
  { id: 12, title: '"read-only" commands with side effects' },
  { id: 13, title: "model's safety claims ignored" },
  { id: 14, title: 'untrusted git config disabled' },
  { id: 15, title: 'bubblewrap sandbox' },
  { id: 16, title: 'huge/endless output, ANSI, kill on timeout' },
  { id: 17, title: 'secrets scrubbed from command env' },
  { id: 18, title: 'workspace trust: Restricted Mode' },
  { id: 19, title: 'strict webview CSP' },
  { id: 20, title: 'hostile Markdown sanitised and inert' },
  { id: 21, title: 'invisible Unicode made visible' },
  { id: 22, title: 'webview messages validated' },
  { id: 23, title: 'malformed tool calls' },
  { id: 24, title: '429/5xx/reset: bounded backoff, no double execution' },
  { id: 25, title: 'stalled or dying stream' },
  { id: 26, title: 'context overflow: compact and retry' },
  { id: 27, title: 'cancel during stream, command, backoff' },
  { id: 28, title: 'reload/crash: atomic state, nothing auto-applies' },
  { id: 29, title: 'checkpoint restore scoped and undoable' },
  { id: 30, title: 'repository git config asked of git itself; safe overrides on every git' },
  { id: 31, title: 'allow rules never silence a finding' },
  { id: 32, title: 'file arguments resolved on disk (globs, links, ignore rules)' },
  { id: 33, title: 'secrets masked in command output' },
  { id: 34, title: 'full-auto sandbox boundary (all commands, sockets, credentials, protected paths)' },
  { id: 35, title: 'git dirs behind gitdir: files protected like .git/' },
  { id: 36, title: 'MCP: workspace servers only after consent, never restricted; calls through the engine' },
  // §37 (background tasks) joins when those are built.
];

/** The case numbers a test title claims: "SAFETY §7: …", "SAFETY §10, §11: …", "SAFETY §10/§11 …". */
export function casesOf(fullTitle: string): number[] {
  const ids = new Set<number>();
  for (const match of fullTitle.matchAll(/SAFETY\s+((?:§\s*\d+(?:\s*(?:,|\/|and|&)\s*)?)+)/g)) {
    for (const id of match[1].matchAll(/§\s*(\d+)/g)) ids.add(Number(id[1]));
  }
  return [...ids];
}
