/**
 * The per-program knowledge behind the command policy: which invocations are read-only (SAFETY §11, §12) and
 * which are dangerous (§10). Works on one simple command's argv, already split by `commands.ts`.
 */

/** `undefined` when fine, else why not. */
type ArgCheck = (args: readonly string[]) => string | undefined;

interface OptionSpec {
  /** Long options without `--`. GNU and git accept unique abbreviations, so `--outp` counts as `--output`. */
  long?: readonly string[];
  /** Short option letters, also found inside bundles like `-rf`. */
  short?: string;
  /** Tokens that must match exactly (`find` primaries like `-exec`). */
  exact?: readonly string[];
}

/** The first argument that is one of the given options, or undefined. Stops at `--`. */
export function findOption(args: readonly string[], spec: OptionSpec): string | undefined {
  for (const arg of args) {
    if (arg === '--') return undefined;
    if (spec.exact?.includes(arg)) return arg;
    if (arg.startsWith('--') && spec.long) {
      const name = arg.slice(2).split('=')[0];
      if (name.length >= 2 && spec.long.some((long) => long.startsWith(name))) return arg;
    } else if (arg.startsWith('-') && arg.length > 1 && spec.short) {
      if ([...arg.slice(1)].some((letter) => spec.short!.includes(letter))) return arg;
    }
  }
  return undefined;
}

const positionals = (args: readonly string[]): string[] => args.filter((a) => !a.startsWith('-') || a === '-');

function forbid(spec: OptionSpec, why: string): ArgCheck {
  return (args) => {
    const hit = findOption(args, spec);
    return hit ? `\`${hit}\` ${why}` : undefined;
  };
}

function all(...checks: ArgCheck[]): ArgCheck {
  return (args) => checks.map((check) => check(args)).find((r) => r !== undefined);
}

interface ReadOnlyRule {
  check?: ArgCheck;
  /** Every option of the program is harmless, so a glob expanding to a name like `--pre=sh` cannot hurt. */
  globSafe?: boolean;
  /** Arguments are file names: check them for paths outside the workspace and secret files. */
  readsFiles?: boolean;
}

const none: ReadOnlyRule = { globSafe: true, readsFiles: true };

/**
 * Programs that only read. Test runners, builds and package scripts are deliberately absent: they run the
 * project's own code, which a prompt injection may have just written, so they ask unless the user allowed them.
 */
const READ_ONLY: Record<string, ReadOnlyRule> = {
  ls: none,
  cat: none,
  nl: none,
  wc: none,
  stat: none,
  du: none,
  cut: none,
  cmp: none,
  diff: { readsFiles: true },
  basename: { globSafe: true },
  dirname: { globSafe: true },
  realpath: none,
  readlink: none,
  pwd: { globSafe: true },
  whoami: {},
  uname: {},
  which: {},
  echo: { globSafe: true },
  head: none,
  tail: { ...none, check: forbid({ long: ['follow'], short: 'fF' }, 'follows the file forever') },
  file: { readsFiles: true, check: forbid({ long: ['compile'], short: 'C' }, 'writes a magic file') },
  tree: { readsFiles: true, check: forbid({ short: 'oR' }, 'writes output files') },
  sort: {
    readsFiles: true,
    check: forbid({ long: ['output', 'compress-program'], short: 'o' }, 'writes a file or runs a program'),
  },
  uniq: {
    readsFiles: true,
    check: (args) => (positionals(args).length > 1 ? 'a second file argument is an output file' : undefined),
  },
  grep: {
    readsFiles: true,
    check: forbid(
      { long: ['recursive', 'directories', 'dereference-recursive'], short: 'rRd' },
      'reads every file, including ignored and secret ones (use rg)',
    ),
  },
  rg: {
    readsFiles: true,
    check: all(
      forbid({ long: ['pre', 'pre-glob'] }, 'runs a preprocessor program on every file'),
      forbid({ long: ['search-zip'], short: 'z' }, 'runs decompression programs'),
      forbid(
        { long: ['hidden', 'no-ignore', 'no-ignore-vcs', 'no-ignore-dot', 'no-ignore-files', 'follow'], short: 'uL.' },
        'reads hidden, ignored or linked files',
      ),
    ),
  },
  find: {
    readsFiles: true,
    check: forbid(
      { exact: ['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprint0', '-fprintf', '-fls'] },
      'runs programs, deletes or writes files',
    ),
  },
};
READ_ONLY['egrep'] = READ_ONLY.grep;
READ_ONLY['fgrep'] = READ_ONLY.grep;

/** git subcommands that only read, with the options that would make them write or run something. */
const GIT_OUTPUT = forbid({ long: ['output', 'ext-diff', 'textconv', 'open-files-in-pager'] }, 'writes a file or runs an external program');
const GIT_READ_ONLY: Readonly<Record<string, ArgCheck>> = {
  status: () => undefined,
  diff: GIT_OUTPUT,
  log: GIT_OUTPUT,
  show: GIT_OUTPUT,
  blame: GIT_OUTPUT,
  shortlog: GIT_OUTPUT,
  describe: () => undefined,
  'rev-parse': () => undefined,
  'ls-files': () => undefined,
  'ls-tree': () => undefined,
  'merge-base': () => undefined,
  'cat-file': forbid({ long: ['textconv', 'filters'] }, 'runs filter drivers'),
  grep: all(GIT_OUTPUT, forbid({ short: 'O' }, 'opens files in a pager program')),
  branch: (args) =>
    listOnly(args, ['-a', '-r', '-v', '-vv', '--all', '--remotes', '--verbose', '--show-current', '--no-color'], ['-l', '--list']),
  tag: (args) => listOnly(args, ['-n'], ['-l', '--list']),
  remote: (args) => (args.every((a) => a === '-v' || a === '--verbose') ? undefined : 'changes remotes'),
  stash: (args) => (args[0] === 'list' || args[0] === 'show' ? GIT_OUTPUT(args) : 'changes the stash'),
  reflog: (args) => (args.length === 0 || args[0] === 'show' ? undefined : 'changes the reflog'),
};

/** `git branch` / `git tag` with listing flags only; patterns allowed after `--list`. */
function listOnly(args: readonly string[], flags: readonly string[], listFlags: readonly string[]): string | undefined {
  const listing = args.some((a) => listFlags.includes(a));
  for (const arg of args) {
    if (flags.includes(arg) || listFlags.includes(arg)) continue;
    if (!arg.startsWith('-') && listing) continue;
    return `\`${arg}\` creates, deletes or changes refs`;
  }
  return undefined;
}

/** git options that may come before the subcommand without changing what it does. */
const GIT_HARMLESS_GLOBALS = new Set(['--no-pager', '-P', '--no-optional-locks', '--literal-pathspecs']);

const VERSION_TOOLS = new Set([
  'node',
  'npm',
  'npx',
  'yarn',
  'pnpm',
  'bun',
  'deno',
  'python',
  'python3',
  'pip',
  'pip3',
  'go',
  'rustc',
  'cargo',
  'java',
  'javac',
  'tsc',
  'ruby',
  'gem',
  'dotnet',
  'git',
  'make',
  'cmake',
  'gcc',
  'clang',
]);

export type ReadOnlyVerdict = { ok: true; globSafe: boolean; readsFiles: boolean } | { ok: false; reason: string };

/**
 * Whether the program's arguments name files it reads — whatever its other options, so a user allow rule for
 * `cat` or `git` still has its file arguments checked. git reads `rev:path` too.
 */
export function readsFileArguments(argv: readonly string[]): boolean {
  const program = baseName(argv[0] ?? '');
  return program === 'git' || READ_ONLY[program]?.readsFiles === true;
}

/**
 * Whether argv is a read-only invocation of a known program. The program must be named bare (`ls`, not
 * `./ls` or `/tmp/ls`), so a file planted in the workspace cannot borrow a trusted name.
 */
export function readOnlyVerdict(argv: readonly string[]): ReadOnlyVerdict {
  const [program, ...args] = argv;
  if (!program) return { ok: false, reason: 'empty command' };
  if (program.includes('/') || program.includes('\\')) return { ok: false, reason: `\`${program}\` is a path, not a known program` };
  if (VERSION_TOOLS.has(program) && args.length === 1 && ['--version', '-v', '-V'].includes(args[0])) {
    return { ok: true, globSafe: false, readsFiles: false };
  }
  if (program === 'go' && args.length === 1 && args[0] === 'version') return { ok: true, globSafe: false, readsFiles: false };
  if (program === 'git') return gitVerdict(args);
  const rule = READ_ONLY[program];
  if (!rule) return { ok: false, reason: `\`${program}\` is not on the read-only list` };
  const problem = rule.check?.(args);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, globSafe: rule.globSafe ?? false, readsFiles: rule.readsFiles ?? false };
}

// The repository's own config can still make these run programs: the approval engine asks git itself about
// it (policy/git.ts, untrustedGitConfig) in the command's folder before anything runs.
function gitVerdict(args: readonly string[]): ReadOnlyVerdict {
  let i = 0;
  while (i < args.length && args[i].startsWith('-')) {
    if (!GIT_HARMLESS_GLOBALS.has(args[i])) {
      return { ok: false, reason: `git option \`${args[i]}\` can change config, repository or program (e.g. -c core.pager=…)` };
    }
    i++;
  }
  const sub = args[i];
  const check = sub === undefined ? undefined : GIT_READ_ONLY[sub];
  if (!check) return { ok: false, reason: `\`git ${sub ?? ''}\` is not a read-only git command` };
  const problem = check(args.slice(i + 1));
  return problem ? { ok: false, reason: problem } : { ok: true, globSafe: false, readsFiles: true };
}

// ---------------------------------------------------------------------------------------------------------
// Dangerous commands (§10): always asked, denied by the caller in full-auto.

export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'csh', 'tcsh', 'ash', 'busybox']);
export const INTERPRETERS = new Set([
  ...SHELLS,
  'python',
  'python2',
  'python3',
  'perl',
  'ruby',
  'node',
  'php',
  'lua',
  'deno',
  'bun',
  'osascript',
  'pwsh',
  'powershell',
]);
export const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'https', 'xh', 'iwr', 'invoke-webrequest']);

const ALWAYS_DANGEROUS: Readonly<Record<string, string>> = {
  sudo: 'runs as another user (root)',
  su: 'runs as another user (root)',
  doas: 'runs as another user (root)',
  pkexec: 'runs as another user (root)',
  eval: 'runs a string as a command',
  chmod: 'changes file permissions',
  chown: 'changes file ownership',
  chgrp: 'changes file ownership',
  chattr: 'changes file attributes',
  dd: 'writes raw data to files or devices',
  shred: 'destroys file contents',
  fdisk: 'changes disk partitions',
  parted: 'changes disk partitions',
  wipefs: 'wipes file systems',
  mount: 'mounts file systems',
  shutdown: 'stops the machine',
  reboot: 'restarts the machine',
  halt: 'stops the machine',
  poweroff: 'stops the machine',
  killall: 'kills processes by name (possibly the editor)',
  pkill: 'kills processes by name (possibly the editor)',
  crontab: 'installs scheduled commands',
};

/** Why this simple command is dangerous, or an empty list. `program` is compared by base name. */
export function dangerReasons(argv: readonly string[]): string[] {
  const program = baseName(argv[0] ?? '');
  const args = argv.slice(1);
  const reasons: string[] = [];
  const always = ALWAYS_DANGEROUS[program];
  if (always) reasons.push(`\`${program}\` ${always}`);
  if (program.startsWith('mkfs')) reasons.push(`\`${program}\` formats a file system`);
  if (program === 'rm' && findOption(args, { long: ['recursive', 'no-preserve-root'], short: 'rR' })) {
    reasons.push('`rm -r` deletes whole folders');
  }
  if (program === 'find' && findOption(args, { exact: ['-delete'] })) reasons.push('`find -delete` deletes files');
  if ((program === 'npm' || program === 'cargo' || program === 'pnpm' || program === 'yarn') && args[0] === 'publish') {
    reasons.push('publishes a package');
  }
  if (program === 'git') reasons.push(...gitDanger(args));
  return reasons;
}

function gitDanger(args: readonly string[]): string[] {
  let i = 0;
  while (i < args.length && args[i].startsWith('-')) i += args[i] === '-c' || args[i] === '-C' ? 2 : 1;
  const sub = args[i];
  const rest = args.slice(i + 1);
  switch (sub) {
    case 'push':
      if (
        findOption(rest, { long: ['force', 'force-with-lease', 'mirror', 'delete', 'prune'], short: 'fd' }) ||
        rest.some((a) => a.startsWith('+') || a.startsWith(':'))
      ) {
        return ['`git push --force/--delete` rewrites or deletes remote history'];
      }
      return [];
    case 'reset':
      return findOption(rest, { long: ['hard', 'merge', 'keep'] }) ? ['`git reset --hard` discards uncommitted changes'] : [];
    case 'clean':
      return findOption(rest, { long: ['dry-run'], short: 'n' }) ? [] : ['`git clean` deletes untracked files'];
    case 'checkout':
      return rest.includes('--') || rest.includes('.') || findOption(rest, { long: ['force'], short: 'f' })
        ? ['`git checkout -- <path>` discards uncommitted changes']
        : [];
    case 'restore':
      return findOption(rest, { long: ['staged'], short: 'S' }) && !findOption(rest, { long: ['worktree'], short: 'W' })
        ? []
        : ['`git restore` discards uncommitted changes'];
    case 'stash':
      return rest[0] === 'drop' || rest[0] === 'clear' ? ['`git stash drop/clear` deletes saved changes'] : [];
    case 'branch':
      return findOption(rest, { exact: ['-D'], long: ['delete'] }) || rest.some((a) => /^-[a-zA-Z]*D/.test(a))
        ? ['`git branch -D` deletes unmerged branches']
        : [];
    case 'filter-branch':
    case 'filter-repo':
      return ['rewrites the whole history'];
    default:
      return [];
  }
}

export function baseName(program: string): string {
  const slash = Math.max(program.lastIndexOf('/'), program.lastIndexOf('\\'));
  return (slash < 0 ? program : program.slice(slash + 1)).toLowerCase();
}
