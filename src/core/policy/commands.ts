/**
 * Command policy (SAFETY §10–13).
 *
 * `classifyCommand(command, options)` decides whether a shell command line the model wants to run may run
 * without asking. Its only input is the command text and the user's own rules: whatever the model says about
 * the command ("this is safe", "read-only") is not an input, so it cannot matter (§13).
 *
 * Semantics:
 * - `decision: 'deny'`  — a user deny prefix matches one of the simple commands in the line, however nested
 *   (after `;`, in a pipe, inside `$(...)`, `sh -c '...'`, `xargs`, `sudo`, `find -exec`). Deny wins over allow.
 * - `decision: 'allow'` — the line is a single simple command (no operators, expansions, substitutions,
 *   redirections, comments or newlines) and either a built-in read-only invocation (`risk: 'safe'`) or
 *   matched by a user allow prefix (`risk: 'normal'`). Never for a dangerous command, and never when there
 *   is a finding (a file outside the workspace or that may hold secrets, a glob over printed files,
 *   `/proc/<pid>/environ`): user rules widen what runs unasked, they never silence what the policy found.
 * - `decision: 'ask'`   — everything else, including anything that cannot be parsed.
 * - `risk: 'dangerous'` — §10 commands (`curl … | sh`, `rm -r`, `sudo`, `chmod`, `eval`, `git push --force`, …)
 *   and constructs that can run hidden code (`${x@P}`, `${!x}`, unparseable lines). Always `ask` here; in
 *   full-auto the caller must deny them instead of running them.
 *
 * Test runners (`npm test`, `pytest`, `cargo test`) are not read-only: they run project code that the agent may
 * have just written. They ask, unless the user added an allow prefix such as `npm test`.
 */
import { parse, type ParseEntry } from 'shell-quote';
import { findInvisible } from './invisible';
import { isSecretPath } from './secrets';
import { scanShell } from './shellScan';
import { DOWNLOADERS, INTERPRETERS, SHELLS, baseName, dangerReasons, readOnlyVerdict, readsFileArguments } from './commandRules';
import { wrappedCommand } from './commandWrappers';
import { matchesPrefix, parseRules } from './userRules';

export type CommandDecision = 'allow' | 'ask' | 'deny';
export type CommandRisk = 'safe' | 'normal' | 'dangerous';

export interface CommandPolicyOptions {
  /** User allow prefixes, e.g. `npm test`, `npm run lint`. Matched on parsed words, not characters. */
  allow?: readonly string[];
  /** User deny prefixes, e.g. `git push`, `rm`. Matched on every simple command in the line. */
  deny?: readonly string[];
}

export interface CommandClassification {
  decision: CommandDecision;
  risk: CommandRisk;
  /** Why, in words a user can read next to the approval prompt. */
  reasons: string[];
  /** What the policy found that the user must see before this runs; no allow rule or mode overrides these. */
  findings: string[];
  /** For a single file-reading command: its file arguments, for the engine to resolve on disk (symlinks, ignore rules). */
  fileArguments: string[];
  /** Base names of every program the line runs (nested ones too), e.g. to ask git about the repository's config. */
  programs: string[];
  /** Who allowed it: the built-in read-only list or one of the user's rules. */
  allowedBy?: 'policy' | 'rule';
}

/** Simple commands found in a line, with how they are fed. */
interface Invocation {
  argv: string[];
  /** Reads its standard input from a pipe (`… | sh`). */
  piped: boolean;
  /** Found inside a substitution, `sh -c`, `xargs`, … rather than at the top level. */
  nested: boolean;
}

interface Analysis {
  invocations: Invocation[];
  /** Shell syntax that prevents auto-allowing (operators, expansions, …). */
  syntax: string[];
  dangerous: string[];
  hasGlob: boolean;
  /** Output redirection targets (`> file`, `>> file`). */
  redirects: string[];
}

const MAX_DEPTH = 4;
const MAX_LENGTH = 10_000;

export function classifyCommand(command: string, options: CommandPolicyOptions = {}): CommandClassification {
  const verdict = (decision: CommandDecision, risk: CommandRisk, reasons: string[], more: Partial<CommandClassification> = {}) => ({
    decision,
    risk,
    reasons,
    findings: [],
    fileArguments: [],
    programs: [],
    ...more,
  });
  if (typeof command !== 'string' || command.trim() === '') return verdict('ask', 'normal', ['empty command']);
  if (command.length > MAX_LENGTH) return verdict('ask', 'dangerous', ['command too long to analyse']);
  const analysis = analyse(command, 0, false);
  const invisible = findInvisible(command);
  if (invisible.length > 0) {
    analysis.syntax.push(`invisible characters (${[...new Set(invisible.map((c) => c.label))].join(', ')})`);
  }
  const programs = [...new Set(analysis.invocations.map((inv) => baseName(inv.argv[0] ?? '')))];
  // The process environment of any process holds its credentials (Fixpoint's own holds the API key).
  const findings = analysis.invocations.some((inv) => inv.argv.some((word) => PROC_ENVIRON.test(word)))
    ? ['reads a process environment (`/proc/<pid>/environ`), which holds credentials']
    : [];

  // Deny first: a matching simple command anywhere in the line wins over everything.
  const denyRules = parseRules(options.deny ?? []);
  for (const inv of analysis.invocations) {
    const rule = denyRules.find((r) => matchesPrefix(inv.argv, r, true));
    if (rule) {
      return verdict('deny', analysis.dangerous.length ? 'dangerous' : 'normal', [`denied by your rule \`${rule.join(' ')}\``], {
        findings,
        programs,
      });
    }
  }

  const dangerous = [...new Set(analysis.dangerous)];
  if (dangerous.length > 0) return verdict('ask', 'dangerous', [...findings, ...dangerous], { findings, programs });

  const syntax = [...new Set(analysis.syntax)];
  // Commands run *by* the top-level one (`find -exec`, `xargs`, `sudo`) are analysed above; only the top-level
  // command is matched against the read-only list and the allow rules, and it must be the only one.
  const topLevel = analysis.invocations.filter((inv) => !inv.nested);
  if (syntax.length > 0 || topLevel.length !== 1) {
    const reasons = syntax.length ? syntax.map((s) => `contains ${s}`) : ['not a single command'];
    return verdict('ask', 'normal', [...findings, ...reasons], { findings, programs });
  }

  const argv = topLevel[0].argv;
  const readsFiles = readsFileArguments(argv);
  if (readsFiles) findings.push(...fileArgumentProblems(argv.slice(1)));
  const fileArguments = readsFiles ? pathWords(argv.slice(1)) : [];
  const more = { findings: [...new Set(findings)], fileArguments, programs };
  if (more.findings.length > 0) return verdict('ask', 'normal', more.findings, more);

  const readOnly = readOnlyVerdict(argv);
  if (readOnly.ok) {
    if (analysis.hasGlob && !readOnly.globSafe) {
      return verdict('ask', 'normal', ['a glob, which could expand to a file named like an option'], more);
    }
    return verdict('allow', 'safe', ['read-only command'], { ...more, allowedBy: 'policy' });
  }
  const allowRule = parseRules(options.allow ?? []).find((r) => matchesPrefix(argv, r, false));
  if (allowRule) {
    if (analysis.hasGlob) return verdict('ask', 'normal', ['contains a glob; allow rules match exact words only'], more);
    return verdict('allow', 'normal', [`allowed by your rule \`${allowRule.join(' ')}\``], { ...more, allowedBy: 'rule' });
  }
  return verdict('ask', 'normal', [readOnly.reason], more);
}

const PROC_ENVIRON = /(^|[=:/])\/?proc\/[^/\s]+\/(task\/[^/\s]+\/)?environ\b/;

/** Scans, tokenizes and walks one command line (recursively for substitutions and `sh -c`). */
function analyse(line: string, depth: number, nested: boolean): Analysis {
  const result: Analysis = { invocations: [], syntax: [], dangerous: [], hasGlob: false, redirects: [] };
  if (depth > MAX_DEPTH) {
    result.dangerous.push('commands nested too deeply to analyse');
    return result;
  }
  const scan = scanShell(line);
  result.syntax.push(...scan.features);
  result.dangerous.push(...scan.dangerous);
  result.hasGlob = scan.hasGlob;
  if (scan.unterminated) result.dangerous.push('the command cannot be parsed (unbalanced quotes or brackets)');

  let entries: ParseEntry[];
  try {
    // Variables are replaced by a marker, not by "", so `$X` cannot make a word disappear (scan flags it too).
    entries = parse(scan.separated, (name: string) => `$${name}`) as ParseEntry[];
  } catch (err) {
    result.dangerous.push(`the command cannot be parsed (${(err as Error).message})`);
    return result;
  }

  let argv: string[] = [];
  let piped = false;
  let redirectNext: 'out' | 'in' | '' = '';
  const flush = (nextPiped: boolean) => {
    if (argv.length > 0) result.invocations.push(...expand({ argv, piped, nested }, depth, result));
    argv = [];
    piped = nextPiped;
  };
  for (const entry of entries) {
    if (typeof entry === 'string') {
      if (redirectNext === 'out') result.redirects.push(entry);
      else if (!redirectNext) argv.push(entry);
      redirectNext = '';
    } else if ('comment' in entry) {
      result.syntax.push('a comment');
    } else if (entry.op === 'glob') {
      argv.push((entry as { pattern: string }).pattern);
    } else {
      const op = entry.op as string;
      if (/^[<>]|^&>|^\d/.test(op) && op !== '<(' && op !== '>(') {
        result.syntax.push(`a redirection \`${op}\``);
        redirectNext = op.includes('>') ? 'out' : 'in';
      } else {
        result.syntax.push(`the shell operator \`${op}\``);
        flush(op === '|' || op === '|&');
      }
    }
  }
  flush(false);

  for (const target of result.redirects) {
    if (target !== '/dev/null' && (target.startsWith('/') || target.startsWith('~') || target.split('/').includes('..'))) {
      result.dangerous.push(`writes outside the workspace (\`> ${target}\`)`);
    }
  }
  for (const inner of scan.substitutions) {
    const sub = analyse(inner, depth + 1, true);
    merge(result, sub);
    if (sub.invocations.some((inv) => DOWNLOADERS.has(baseName(inv.argv[0])))) {
      result.dangerous.push('runs downloaded content (a download inside a substitution)');
    }
  }

  const programs = result.invocations.map((inv) => baseName(inv.argv[0]));
  for (const inv of result.invocations) {
    result.dangerous.push(...dangerReasons(inv.argv));
    if (inv.piped && INTERPRETERS.has(baseName(inv.argv[0])) && !hasScriptArgument(inv.argv)) {
      result.dangerous.push(`pipes into the interpreter \`${baseName(inv.argv[0])}\`, which runs whatever it is fed`);
    }
  }
  if (programs.some((p) => DOWNLOADERS.has(p)) && programs.some((p) => INTERPRETERS.has(p))) {
    result.dangerous.push('downloads something and runs an interpreter in the same command');
  }
  return result;
}

function merge(into: Analysis, from: Analysis): void {
  into.invocations.push(...from.invocations);
  into.syntax.push(...from.syntax);
  into.dangerous.push(...from.dangerous);
  into.redirects.push(...from.redirects);
}

/** An interpreter given a script file (`python x.py`) does not read code from its pipe. */
function hasScriptArgument(argv: readonly string[]): boolean {
  const args = argv.slice(1);
  return args.length > 0 && !args[0].startsWith('-');
}

/**
 * The invocation itself plus the commands it runs: through wrappers (`sudo`, `env`, `nohup`, `timeout`,
 * `xargs`, …), `find -exec`, and `sh -c '<script>'` (whose script is analysed as a full command line).
 */
function expand(inv: Invocation, depth: number, result: Analysis): Invocation[] {
  const out: Invocation[] = [inv];
  const [first, ...args] = inv.argv;
  // Leading `VAR=value` assignments change the program's environment (`GIT_EXTERNAL_DIFF=sh git diff`).
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) {
    result.syntax.push('an environment assignment');
    const rest = inv.argv.slice(inv.argv.findIndex((a) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)));
    if (rest.length > 0 && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0]))
      out.push(...expand({ ...inv, argv: rest, nested: true }, depth, result));
    return out;
  }
  const program = baseName(first);
  const inner = wrappedCommand(program, args);
  if (inner && inner.length > 0) out.push(...expand({ argv: inner, piped: inv.piped, nested: true }, depth, result));
  if (program === 'find') {
    for (let i = 0; i < args.length; i++) {
      if (['-exec', '-execdir', '-ok', '-okdir'].includes(args[i])) {
        const end = args.findIndex((a, j) => j > i && (a === ';' || a === '+'));
        const cmd = args.slice(i + 1, end < 0 ? undefined : end);
        if (cmd.length) out.push(...expand({ argv: cmd, piped: false, nested: true }, depth, result));
      }
    }
  }
  if (SHELLS.has(program)) {
    const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
    if (c >= 0 && args[c + 1] !== undefined) {
      const sub = analyse(args[c + 1], depth + 1, true);
      merge(result, sub);
    }
  }
  return out;
}

/**
 * The words of a file-reading command that may name files: positionals, `--opt=value` values and `-x/path`
 * values, each also as the part after a `rev:` prefix (git's `HEAD:.env`).
 */
function pathWords(args: readonly string[]): string[] {
  const out = new Set<string>();
  for (const arg of args) {
    let value = arg;
    if (arg.startsWith('-')) {
      const eq = arg.indexOf('=');
      if (eq > 0) value = arg.slice(eq + 1);
      else if (/^-[A-Za-z]\//.test(arg)) value = arg.slice(2);
      else continue;
    }
    for (const candidate of [value, value.slice(value.lastIndexOf(':') + 1)]) if (candidate) out.add(candidate);
  }
  return [...out];
}

/** Paths outside the workspace and secret files named as arguments of a read-only command (by spelling). */
function fileArgumentProblems(args: readonly string[]): string[] {
  const problems: string[] = [];
  for (const value of pathWords(args)) {
    const spelled = value.replace(/\\/g, '/');
    if (spelled.startsWith('/') || spelled.startsWith('~') || /^[A-Za-z]:\//.test(spelled) || spelled.split('/').includes('..')) {
      problems.push(`reads \`${value}\`, outside the workspace`);
    } else if (isSecretPath(value)) {
      problems.push(`reads \`${value}\`, which may hold secrets`);
    }
  }
  return problems;
}
