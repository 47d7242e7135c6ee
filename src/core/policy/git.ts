/**
 * Safe git invocations (SAFETY §14).
 *
 * A repository's own `.git/config` is untrusted: a project downloaded as an archive, or a `.git` folder changed
 * by a tool, can set options that make an innocent `git status` run a program. Every git command Fixpoint runs
 * itself goes through `safeGitArgs`, and every command the agent runs gets `gitEnv`, which carries the same
 * overrides through `GIT_CONFIG_COUNT` (git ≥ 2.31) so a model-run `git status` is covered too.
 *
 * Verified against git 2.39: an empty `-c filter.<d>.clean=` / `-c diff.<d>.textconv=` disables that driver,
 * but an empty `diff.external` makes git try to run "" — external diff is therefore turned off with the
 * `--no-ext-diff` flag for the diff-family commands instead.
 */

/**
 * Fixed `-c` overrides, each with the reason it is needed. Values are strings as `git -c key=value` takes them.
 */
export const SAFE_GIT_CONFIG: ReadonlyArray<readonly [key: string, value: string, scope: OverrideScope, why: string]> = [
  ['core.fsmonitor', 'false', 'all', 'the fsmonitor hook is an arbitrary command run by status, diff, add, …'],
  ['core.hooksPath', '/dev/null', 'all', 'hooks (pre-commit, post-checkout, …) run code on commit, checkout, merge'],
  ['core.pager', 'cat', 'all', 'the pager is a command; `--no-pager` is passed too'],
  ['core.editor', 'true', 'all', 'the editor is a command and would block waiting for a user'],
  ['sequence.editor', 'true', 'all', 'same, for interactive rebase'],
  ['core.alternateRefsCommand', '', 'all', 'a command run to list alternate refs'],
  ['log.showSignature', 'false', 'all', 'verifying signatures runs gpg.program'],
  // Network and signing: Fixpoint's own git is local only, so these are closed for it. Commands the user
  // approved (`git push`, a signed commit) keep the user's credential helper, ssh and gpg set-up.
  ['core.sshCommand', 'false', 'own', 'a command run for ssh remotes'],
  ['core.gitProxy', '', 'own', 'a command run for git:// remotes'],
  ['core.askPass', '', 'own', 'a command run to ask for credentials'],
  ['credential.helper', '', 'own', 'an empty value resets the helper list, so no helper program runs'],
  ['protocol.allow', 'never', 'own', 'no transport by default'],
  ['protocol.file.allow', 'always', 'own', 'except local paths (shadow copies, checkpoints)'],
  ['protocol.ext.allow', 'never', 'all', 'ext:: remotes run arbitrary commands'],
  ['submodule.recurse', 'false', 'own', 'do not carry commands into submodules, whose config is also untrusted'],
  ['commit.gpgSign', 'false', 'own', 'gpg.program is a command; checkpoints are not signed'],
  ['tag.gpgSign', 'false', 'own', 'same'],
  ['gpg.program', 'false', 'own', 'if something still asks for a signature, it runs `false`'],
];

/** 'all': Fixpoint's own git and every agent command; 'own': only git that Fixpoint runs itself. */
export type OverrideScope = 'all' | 'own';

/** Subcommands that accept `--no-ext-diff` / `--no-textconv` and would otherwise run external diff drivers. */
const DIFF_FAMILY = new Set(['diff', 'log', 'show', 'whatchanged', 'format-patch', 'stash', 'range-diff']);

/**
 * Repository config keys whose value is a command: filter drivers, diff drivers, merge drivers, per-command
 * pagers. Their names are chosen by the repository, so they cannot be listed ahead of time; the caller reads
 * the keys from git itself (reading config runs nothing) and passes them here.
 */
const DRIVER_KEY = /^(filter\.[^]+\.(clean|smudge|process)|diff\.[^]+\.(textconv|command)|merge\.[^]+\.driver|pager\.[^.]+)$/i;

/** One configuration entry as git itself reports it (`git config --list --show-scope --show-origin -z`). */
export interface GitConfigEntry {
  /** system, global, local, worktree or command. */
  scope: string;
  /** Where git read it: `file:.git/config`, `file:.git/../shared.inc` (through an include), `command line:`. */
  origin: string;
  key: string;
  value: string;
}

/**
 * Keys whose value is a program git runs (or a fetch it starts) during commands that look read-only. Names
 * chosen by the repository (`filter.<x>`, `diff.<x>`) are matched by pattern. Sources: git-config(1), and
 * the advisories behind issue 14 (fsmonitor on a section header line, man viewers via `--help`, upload-pack
 * and lazy fetches of partial clones).
 */
const CODE_RUNNING_KEYS: ReadonlyArray<readonly [pattern: RegExp, why: string]> = [
  [/^core\.fsmonitor$/, 'runs a program on status, diff, add…'],
  [/^core\.(hookspath|pager|editor|sshcommand|gitproxy|askpass|alternaterefscommand|worktree)$/, 'names a program or moves the work tree'],
  [/^sequence\.editor$|^interactive\.difffilter$/, 'runs a program'],
  [/^pager\.[^.]+$/, 'runs a pager program'],
  [/^diff\.external$|^diff\..+\.(textconv|command)$/, 'runs a diff program on diff, log, show, grep'],
  [/^filter\..+\.(clean|smudge|process)$/, 'runs a filter program on status, diff, checkout'],
  [/^merge\..+\.driver$/, 'runs a merge program'],
  [/^(man|web|browser|difftool|mergetool)\.(.+\.)?(cmd|viewer|path|browser)$/, 'runs a program for `git <command> --help` or a tool'],
  [/^credential\.(.+\.)?helper$/, 'runs a credential helper'],
  [/^gpg\.(.+\.)?program$|^log\.showsignature$/, 'runs a signature program'],
  [/^remote\..+\.(uploadpack|receivepack|proxy|vcs)$/, 'runs a program or proxy when fetching'],
  [
    /^remote\..+\.promisor$|^extensions\.partialclone$|^fetch\.uriprotocols$/,
    'makes read-only commands fetch missing objects (network, code)',
  ],
  [/^uploadpack\.packobjectshook$/, 'runs a program'],
];

/** The scopes a repository controls: its own config, its worktree config, and anything they include. */
const UNTRUSTED_SCOPES = new Set(['local', 'worktree']);

/**
 * Findings for the config entries of the command's repository that make git run a program. Only entries the
 * repository controls count: the user's global config is the user's own, system config is ignored
 * (`GIT_CONFIG_NOSYSTEM`), and `command` entries are Fixpoint's overrides.
 */
export function untrustedGitConfig(entries: readonly GitConfigEntry[]): string[] {
  const findings: string[] = [];
  for (const entry of entries) {
    if (!UNTRUSTED_SCOPES.has(entry.scope)) continue;
    const key = entry.key.toLowerCase();
    const hit = CODE_RUNNING_KEYS.find(([pattern]) => pattern.test(key));
    if (hit && !(key === 'core.fsmonitor' && /^(false|0|no|off)?$/i.test(entry.value.trim()))) {
      findings.push(`the repository's git config sets \`${entry.key}\` (${entry.origin.replace(/^file:/, '')}), which ${hit[1]}`);
    }
  }
  return [...new Set(findings)];
}

/** Parses `git config --list --show-scope --show-origin -z`: `scope NUL origin NUL key LF value NUL`. */
export function parseGitConfigList(output: string): GitConfigEntry[] {
  const fields = output.split('\0');
  const entries: GitConfigEntry[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const [scope, origin, pair] = [fields[i], fields[i + 1], fields[i + 2]];
    const nl = pair.indexOf('\n');
    entries.push({ scope, origin, key: nl < 0 ? pair : pair.slice(0, nl), value: nl < 0 ? '' : pair.slice(nl + 1) });
  }
  return entries;
}

/** `key=value` overrides neutralising every command-valued key found in `configKeys`. */
export function driverOverrides(configKeys: readonly string[]): string[] {
  const out = new Set<string>();
  for (const key of configKeys) {
    if (!DRIVER_KEY.test(key)) continue;
    // `pager.<cmd>=false` turns the pager off; an empty string disables any driver command.
    out.add(/^pager\./i.test(key) ? `${key}=false` : `${key}=`);
    // A filter marked required would make git fail instead of passing the content through.
    const filter = /^filter\.(.+)\.(clean|smudge|process)$/i.exec(key);
    if (filter) out.add(`filter.${filter[1]}.required=false`);
  }
  return [...out];
}

export interface SafeGitOptions {
  /** Keys of the repository's local config (`git config --list --local --name-only`), to neutralise drivers. */
  configKeys?: readonly string[];
}

function allOverrides(options: SafeGitOptions, own: boolean): string[] {
  return [
    ...SAFE_GIT_CONFIG.filter(([, , scope]) => own || scope === 'all').map(([key, value]) => `${key}=${value}`),
    ...driverOverrides(options.configKeys ?? []),
  ];
}

/**
 * `args` (e.g. `['status', '--porcelain']`) prefixed with `--no-pager` and the `-c` overrides, and with
 * `--no-ext-diff --no-textconv` added right after a diff-family subcommand.
 */
export function safeGitArgs(args: readonly string[], options: SafeGitOptions = {}): string[] {
  const prefix = ['--no-pager'];
  for (const override of allOverrides(options, true)) prefix.push('-c', override);
  const rest = [...args];
  const sub = rest[0];
  if (sub !== undefined && DIFF_FAMILY.has(sub)) {
    // `git stash` without `show` takes no diff options.
    if (sub !== 'stash') rest.splice(1, 0, '--no-ext-diff', '--no-textconv');
    else if (rest[1] === 'show') rest.splice(2, 0, '--no-ext-diff', '--no-textconv');
  }
  return [...prefix, ...rest];
}

/**
 * Environment for git, and for every command the agent runs (which may call git):
 * - `GIT_TERMINAL_PROMPT=0`: never wait for a password on a terminal nobody watches;
 * - `GIT_CONFIG_NOSYSTEM=1`: ignore /etc/gitconfig, which Fixpoint cannot vouch for either;
 * - `GIT_OPTIONAL_LOCKS=0`: a background `git status` must not take the index lock the user's git needs;
 * - `GIT_PAGER=cat`, `GIT_EDITOR=true`, `GIT_SEQUENCE_EDITOR=true`: no interactive programs;
 * - `GIT_CONFIG_COUNT` / `GIT_CONFIG_KEY_n` / `GIT_CONFIG_VALUE_n`: the same overrides as `safeGitArgs`,
 *   appended after any the base environment already has — only the 'all' ones, so commands the user approved
 *   keep working with the user's credentials, ssh and signing set-up.
 */
export function gitEnv(base: Readonly<Record<string, string | undefined>>, options: SafeGitOptions = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_PAGER = 'cat';
  env.GIT_EDITOR = 'true';
  env.GIT_SEQUENCE_EDITOR = 'true';
  const existing = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10);
  let count = Number.isFinite(existing) && existing > 0 ? existing : 0;
  for (const override of allOverrides(options, false)) {
    const eq = override.indexOf('=');
    env[`GIT_CONFIG_KEY_${count}`] = override.slice(0, eq);
    env[`GIT_CONFIG_VALUE_${count}`] = override.slice(eq + 1);
    count++;
  }
  env.GIT_CONFIG_COUNT = String(count);
  return env;
}
