import type { Entry } from '../shared/protocol';
import type { GitConfigEntry } from './policy/git';
import type { ApprovalDecision } from './domain';
// The small interfaces through which core reaches the outside world. The host implements them with VS Code
// APIs, the CLI with Node, unit tests with in-memory fakes.

export interface DiagnosticInfo {
  path: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  source?: string;
  code?: string;
}

export interface SearchHit {
  path: string;
  line: number;
  text: string;
}

export interface EditorSelection {
  path: string;
  startLine: number;
  endLine: number;
  text: string;
}

export interface Workspace {
  /** Absolute path of the workspace root. */
  readonly root: string;
  /** Files under `dir` (workspace-relative, '/' separated), with ignore rules applied, at most `max`. */
  listFiles(options: { dir?: string; glob?: string; max: number }, signal?: AbortSignal): Promise<{ files: string[]; truncated: boolean }>;
  /** Current content: the editor buffer when the file is open (even unsaved), else the disk. */
  readFile(relative: string): Promise<Uint8Array | undefined>;
  search(
    options: { pattern: string; regex: boolean; glob?: string; max: number },
    signal?: AbortSignal,
  ): Promise<{ hits: SearchHit[]; truncated: boolean }>;
  diagnostics(relative?: string): Promise<DiagnosticInfo[]>;
  selection(): EditorSelection | undefined;
  /** The active editor's file and the other visible ones (workspace-relative). */
  openEditors(): { active?: string; visible: string[] };
  /** Whether .gitignore / .fixpointignore / fixpoint.exclude hide this file from the agent. */
  isIgnored(relative: string): Promise<boolean>;
  /** The git configuration as git itself reads it in `cwd` (absolute), to tell whether git would run programs. */
  gitConfig(cwd: string): Promise<GitConfigEntry[]>;
}

/**
 * Symbol kinds as language servers report them, in the order of VS Code's `SymbolKind` enum (the host maps
 * that enum by index), named as the model reads them.
 */
export const SYMBOL_KINDS = [
  'file',
  'module',
  'namespace',
  'package',
  'class',
  'method',
  'property',
  'field',
  'constructor',
  'enum',
  'interface',
  'function',
  'variable',
  'constant',
  'string',
  'number',
  'boolean',
  'array',
  'object',
  'key',
  'null',
  'enum member',
  'struct',
  'event',
  'operator',
  'type parameter',
] as const;
export type SymbolKindName = (typeof SYMBOL_KINDS)[number];

/** A place in a workspace file: workspace-relative path, 1-based line and column (UTF-16 units, as editors count). */
export interface CodePosition {
  path: string;
  line: number;
  column: number;
}

/** Where a language server points; library declarations may lie outside the workspace. */
export interface CodeLocation extends CodePosition {
  /** Set when the file is outside the workspace: `path` is then absolute. */
  outsideWorkspace?: true;
}

export interface WorkspaceSymbol {
  name: string;
  kind: SymbolKindName;
  /** The enclosing class, namespace or module, when the server names one. */
  container?: string;
  location: CodeLocation;
}

/** One entry of a file's outline, with the symbols declared inside it. */
export interface OutlineSymbol {
  name: string;
  kind: SymbolKindName;
  /** The server's extra text, e.g. a signature. */
  detail?: string;
  line: number;
  endLine: number;
  children: OutlineSymbol[];
}

/** A file as a rename would leave it; nothing is written. */
export interface RenamedFile {
  path: string;
  outsideWorkspace?: true;
  oldContent: string;
  newContent: string;
}

/**
 * Whether a language server answers for a file: `none` when no extension serves its language, `silent` when
 * one does but gave no answer within a bounded wait (still starting, or nothing to say about this file).
 */
export type LanguageServerStatus = { state: 'served' } | { state: 'none' | 'silent'; language: string };

/**
 * The editor's language features (VS Code's providers), or in the CLI their syntax-only approximation
 * (tree-sitter and ripgrep). Paths workspace-relative, lines 1-based.
 */
export interface CodeIntelligence {
  /**
   * Set when the answers come from syntax and text search rather than a language server (no types, no
   * scopes): the tools say it with every answer, so the model weighs them accordingly.
   */
  readonly approximate?: string;
  status(path: string): Promise<LanguageServerStatus>;
  workspaceSymbols(query: string): Promise<WorkspaceSymbol[]>;
  outline(path: string): Promise<OutlineSymbol[]>;
  definitions(at: CodePosition): Promise<CodeLocation[]>;
  references(at: CodePosition): Promise<CodeLocation[]>;
  /** Hover texts (Markdown): the type or signature, and its documentation. */
  hover(at: CodePosition): Promise<string[]>;
  /** The files a rename would change, or the server's reason for refusing it. */
  rename(at: CodePosition, newName: string): Promise<{ ok: true; files: RenamedFile[] } | { ok: false; reason: string }>;
}

/** A definition as syntax alone shows it (no types, no scopes): a class, a function, a method, a constant… */
export interface TagDefinition {
  name: string;
  kind: SymbolKindName;
  /** Where the name is (1-based line and column). */
  line: number;
  column: number;
  /** The lines the whole definition spans. */
  startLine: number;
  endLine: number;
  /** Index (in the same list) of the definition this one is declared inside, e.g. a method's class. */
  parent?: number;
}

export interface FileTags {
  definitions: TagDefinition[];
  /** How often each identifier occurs in the file, its own definitions included: the uses a repo map counts. */
  identifiers: Map<string, number>;
}

/**
 * Definitions and identifier uses of source files by their syntax (tree-sitter in Node), for the repo map and
 * the CLI's code intelligence.
 */
export interface SyntaxTagger {
  /** The language a file is read as (by its name), undefined when this tagger reads no such files. */
  language(path: string): string | undefined;
  /** Per workspace-relative path, a value that changes whenever the file on disk does; undefined when it is gone. */
  versions(paths: readonly string[]): Promise<Array<string | undefined>>;
  /** The tags of a file's text; undefined when it cannot be read as its language (too large, no grammar). */
  tags(path: string, text: string): Promise<FileTags | undefined>;
}

export interface RunResult {
  exitCode: number | undefined;
  output: string;
  durationMs: number;
  timedOut?: boolean;
  cancelled?: boolean;
  /** The command did not run at all; `output` says why. */
  skipped?: boolean;
}

export interface Runner {
  run(command: string, options: { cwd: string; timeoutMs: number; signal: AbortSignal }): Promise<RunResult>;
  runTask(name: string, options: { timeoutMs: number; signal: AbortSignal }): Promise<RunResult>;
  /**
   * Runs inside the OS sandbox (workspace writable, everything else read-only, network off), for full-auto
   * mode; undefined when no sandbox is available here.
   */
  runSandboxed?(command: string, options: { cwd: string; timeoutMs: number; signal: AbortSignal }): Promise<RunResult | undefined>;
  /** Whether `runSandboxed` can run anything here (probed once). */
  sandboxAvailable?(): Promise<boolean>;
  /** Whether commands may run at all (false in an untrusted workspace), and why not. */
  canRun(): { ok: true } | { ok: false; reason: string };
}

/** The user's answer to an approval card: allowed with a scope, or denied (one type with the card's: domain.ts). */
export type CommandApproval = ApprovalDecision;

/** What a command approval card shows. */
export interface CommandApprovalRequest {
  command: string;
  /** What "always allow" would remember. */
  prefix: string;
  /** Why it was not auto-approved. */
  reasons: string[];
  /** A dangerous command (§10): the CLI's --yes never approves one. */
  dangerous: boolean;
}

export interface Approver {
  /**
   * Asks the user whether to run `command`; `reasons` explain why it was not auto-approved, `prefix` is what
   * "always allow" would remember.
   */
  approveCommand(request: CommandApprovalRequest, signal: AbortSignal): Promise<CommandApproval>;
}

/** Writes accepted changes. The host uses WorkspaceEdit (undoable, respects dirty buffers); the CLI uses fs. */
export interface FileWriter {
  /** Current text of the file (editor buffer if open), undefined when it does not exist. */
  readText(relative: string): Promise<string | undefined>;
  /** Applies all operations together; `content` undefined deletes the file. */
  write(ops: Array<{ path: string; content: string | undefined; renameFrom?: string }>): Promise<void>;
}

/** One file that differs between two snapshots; a content id is opaque (kind and hash), absent = no such file. */
export interface SnapshotDifference {
  path: string;
  from?: string;
  to?: string;
}

/**
 * Snapshots of the workspace's working tree (every file that is not ignored), kept outside the user's
 * repository so that checkpoints cover what commands changed too and survive restarts.
 */
export interface WorkspaceSnapshots {
  /** Records the working tree now; the id names exactly this state. `group` (a task id) keeps it alive. */
  take(group: string): Promise<string>;
  /** The files whose content or kind differ between two snapshots. */
  compare(from: string, to: string): Promise<SnapshotDifference[]>;
  /** The text of a content id: undefined unless it is a plain (non-executable, non-link) UTF-8 file without NUL. */
  readText(contentId: string): Promise<string | undefined>;
  /** Writes `paths` from `snapshot` to disk byte for byte, with their mode (binaries, links, executables). */
  checkout(snapshot: string, paths: readonly string[]): Promise<void>;
  /** Bytes the snapshots take on disk. */
  usage(): Promise<number>;
  /** Over `maxBytes`, drops the oldest groups (never those in `keep`) and frees what only they used. */
  prune(maxBytes: number, keep: readonly string[]): Promise<void>;
  /** Drops the snapshots of `group` (a deleted task) and frees what only they used. */
  forget(group: string): Promise<void>;
}

/** Persists small JSON documents atomically (a crash leaves the old or the new version, never half). */
export interface Store {
  load<T>(key: string): Promise<T | undefined>;
  save(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** Where a component shows cards in the task's chat (the transcript, seen through the least it needs). */
export interface EntrySink {
  newId(prefix: string): string;
  put(entry: Entry): void;
}

/**
 * Where durable tasks live: per task a snapshot and an append-only log, plus a small index. Appends are
 * on disk (fsync'd) when they resolve, so a crash loses at most the step in flight.
 */
export interface TaskFiles {
  readIndex(): Promise<string | undefined>;
  /** Atomically replaces the index. */
  writeIndex(text: string): Promise<void>;
  /** The task's snapshot and log as stored (either may be absent). */
  read(id: string): Promise<{ snapshot?: string; log?: string }>;
  append(id: string, text: string): Promise<void>;
  /** Atomically replaces the snapshot, then empties the log (records it holds are skipped on replay anyway). */
  writeSnapshot(id: string, text: string): Promise<void>;
  remove(id: string): Promise<void>;
}

/**
 * How a check asks before running project code: the same command policy and approval as the agent's own
 * commands (the check's command may come from a workspace's settings or files).
 */
export interface CommandGate {
  /** Where the command may run, or why it may not (refused by the policy or by the user). */
  check(target: VerificationTarget, signal: AbortSignal): Promise<{ ok: true; where: 'host' | 'sandbox' } | { ok: false; reason: string }>;
  /** Asks before running outside any OS sandbox; false means it does not run. */
  allowUnsandboxed(command: string, reason: string, signal: AbortSignal): Promise<boolean>;
}

export type VerificationTarget = { kind: 'command'; command: string; why: string } | { kind: 'task'; name: string; why: string };

/** Runs the project's own checks: in the workspace (visible terminal/task) or in an isolated, sandboxed copy. */
export interface Verifier {
  /** The verification command or task, or why there is none. */
  resolve(signal: AbortSignal): Promise<VerificationTarget | { kind: 'none'; why: string }>;
  mode(): { when: 'off' | 'after-accept' | 'before-review'; maxAttempts: number; timeoutMs: number };
  runInWorkspace(target: VerificationTarget, gate: CommandGate, signal: AbortSignal): Promise<RunResult>;
  /**
   * Applies `files` (workspace-relative path → new content, undefined = delete) to a shadow copy and runs
   * the check there; `sandboxed` says whether the OS sandbox (network off) was used.
   */
  runIsolated(
    target: VerificationTarget,
    files: Array<{ path: string; content: string | undefined }>,
    gate: CommandGate,
    signal: AbortSignal,
  ): Promise<RunResult & { sandboxed: boolean }>;
}

export type { ApprovalMode, ApprovalSettings } from './policy/engine';
