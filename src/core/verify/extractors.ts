/**
 * Failure extractors, one per output format. Each reads ANSI-free lines and returns what failed and where;
 * each keys on markers specific to its runner, so all of them can run over any output without inventing
 * failures from another runner's text. Formats (captured from real runs, see test/fixtures/verify/outputs):
 * node:test spec + TAP, mocha spec + TAP, jest, vitest, pytest, cargo test + rustc errors, go test + build
 * errors, tsc, and Node's uncaught `file:line` + `SomeError:` report.
 */

export interface Failure {
  test?: string;
  file?: string;
  line?: number;
  message: string;
}

export type Extractor = (lines: readonly string[]) => Failure[];

const MESSAGE_LINES = 4;
const MESSAGE_CHARS = 400;

/** A short message: the first few meaningful lines, trimmed. */
function message(lines: readonly string[]): string {
  const kept = lines
    .flatMap((l) => l.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, MESSAGE_LINES)
    .join('\n');
  return kept.length > MESSAGE_CHARS ? `${kept.slice(0, MESSAGE_CHARS)}…` : kept;
}

const indent = (line: string) => /^\s*/.exec(line)![0].length;
const isStackFrame = (line: string) => /^\s*at\s/.test(line);

/** First stack frame outside Node internals and dependencies: where the user's code failed. */
function frameLocation(lines: readonly string[]): { file: string; line: number } | undefined {
  for (const l of lines) {
    if (!isStackFrame(l)) continue;
    const m = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?\s*\{?\s*$/.exec(l);
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, '');
    if (file.startsWith('node:') || file.includes('/node_modules/') || file.startsWith('internal/')) continue;
    return { file, line: Number(m[2]) };
  }
  return undefined;
}

/** tsc: `src/a.ts(1,7): error TS2322: …` and the pretty `src/a.ts:1:7 - error TS2322: …`. */
export const tsc: Extractor = (lines) => {
  const out: Failure[] = [];
  for (const l of lines) {
    const m = /^(\S.*?)(?:\((\d+),\d+\):|:(\d+):\d+ -) error (TS\d+): (.+)$/.exec(l);
    if (m) out.push({ file: m[1], line: Number(m[2] ?? m[3]), message: `${m[4]}: ${m[5]}` });
  }
  return out;
};

/** node:test spec reporter: `✖ name (1.2ms)` followed by an indented error and its stack. */
export const nodeTestSpec: Extractor = (lines) => {
  const out: Failure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)✖ (.+?) \([\d.]+m?s\)$/.exec(lines[i]);
    if (!m) continue;
    const body = blockBelow(lines, i, m[1].length);
    const text = body.filter((l) => !isStackFrame(l));
    // A suite's own line has no body: its failing tests are reported separately.
    if (text.every((l) => l.trim() === '')) continue;
    // The message comes before the stack; the error's own properties (`{ code: … }`) after it.
    out.push({ test: m[2], ...frameLocation(body), message: message(body.slice(0, stopAt(body, isStackFrame))) });
  }
  return out;
};

/** TAP (node:test and mocha): `not ok N - name`, then a YAML block (node:test) or indented text (mocha). */
export const tap: Extractor = (lines) => {
  const out: Failure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)not ok \d+(?: -)? (.+?)(?:\s+#\s.*)?$/.exec(lines[i]);
    if (!m) continue;
    const body = blockBelow(lines, i, m[1].length);
    if (body[0]?.trim() === '---') {
      const yaml = parseTapYaml(body);
      if (yaml.failureType === 'subtestsFailed') continue; // the suite line repeats its children's failures
      const where = frameLocation((yaml.stack ?? '').split('\n').map((f) => `at ${f}`)) ?? splitLocation(yaml.location);
      out.push({ test: m[2], ...where, message: message([yaml.name ? `${yaml.name}: ${yaml.error ?? ''}` : (yaml.error ?? 'failed')]) });
    } else {
      const text = body.filter((l) => !isStackFrame(l));
      out.push({ test: m[2], ...frameLocation(body), message: message(text.length ? text : ['failed']) });
    }
  }
  return out;
};

/** The few YAML keys node:test writes that matter here; block scalars (`|-`) are joined. */
function parseTapYaml(body: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  const base = indent(body[0]);
  for (let i = 1; i < body.length && body[i].trim() !== '...'; i++) {
    const m = /^\s*(\w+): ?(.*)$/.exec(body[i]);
    if (!m || indent(body[i]) !== base) continue;
    let value = m[2].replace(/^'(.*)'$/, '$1');
    if (value === '|-' || value === '|' || value === '') {
      const block: string[] = [];
      const inBlock = (k: number): boolean => k < body.length && (indent(body[k]) > base || (body[k].trim() === '' && inBlock(k + 1)));
      while (inBlock(i + 1)) block.push(body[++i].trim());
      value = block.join('\n');
    }
    out[m[1]] = value;
  }
  return out;
}

function splitLocation(location: string | undefined): { file?: string; line?: number } {
  const m = /^(.+):(\d+):\d+$/.exec(location ?? '');
  return m ? { file: m[1], line: Number(m[2]) } : {};
}

/** mocha spec: after `N failing`, blocks `1) suite\n   test:` then the error and its stack. */
export const mochaSpec: Extractor = (lines) => {
  const out: Failure[] = [];
  const start = lines.findIndex((l) => /^\s*\d+ failing$/.test(l));
  if (start < 0) return out;
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^(\s*)\d+\) (.+)$/.exec(lines[i]);
    if (!m) continue;
    const title = [m[2]];
    let j = i;
    while (!title[title.length - 1].endsWith(':') && j + 1 < lines.length && lines[j + 1].trim() !== '') title.push(lines[++j].trim());
    let end = j + 1;
    while (end < lines.length && !/^\s*\d+\) /.test(lines[end])) end++;
    const body = lines.slice(j + 1, end);
    const text = body.slice(
      0,
      stopAt(body, (l) => isStackFrame(l) || /^\s*\+ expected - actual/.test(l)),
    );
    out.push({ test: title.join(' ').replace(/:$/, ''), ...frameLocation(body), message: message(text) });
    i = end - 1;
  }
  return out;
};

/** jest: `● Suite › test`, the message, a code frame, then `at … (file:line:col)`. */
export const jest: Extractor = (lines) => {
  const out: Failure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*● (.+)$/.exec(lines[i]);
    if (!m) continue;
    let end = i + 1;
    while (end < lines.length && !/^\s*● /.test(lines[end]) && !/^(Test Suites|Tests):/.test(lines[end])) end++;
    const body = lines.slice(i + 1, end);
    const text = body.filter((l) => !isStackFrame(l) && !/^\s*>?\s*\d*\s*\|/.test(l));
    out.push({ test: m[1], ...frameLocation(body), message: message(text) });
    i = end - 1;
  }
  return out;
};

/** vitest: ` FAIL  file > suite > test`, the error, then ` ❯ file:line:col`. */
export const vitest: Extractor = (lines) => {
  const out: Failure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*FAIL\s+(\S+?)\s+(?:> (.+)|\[ .+ \])$/.exec(lines[i]);
    if (!m) continue;
    let end = i + 1;
    while (end < lines.length && !/^\s*FAIL\s/.test(lines[end]) && !/^⎯{5}/.test(lines[end])) end++;
    const body = lines.slice(i + 1, end);
    const at = body.map((l) => /^\s*❯ (.+?):(\d+):\d+$/.exec(l)).find((x) => x);
    const text = body.slice(
      0,
      stopAt(body, (l) => /^\s*❯ /.test(l) || /^- Expected/.test(l)),
    );
    out.push({ test: m[2], file: at?.[1] ?? m[1], line: at ? Number(at[2]) : undefined, message: message(text) });
    i = end - 1;
  }
  return out;
};

/** pytest: the short summary (`FAILED path::test - msg`, `ERROR path`), located by the report sections. */
export const pytest: Extractor = (lines) => {
  const out: Failure[] = [];
  // Sections `____ TestThing.test_raises ____` hold `E   …` lines and `path.py:12: AssertionError`.
  const sections = new Map<string, { file?: string; line?: number; errors: string[] }>();
  let current: { file?: string; line?: number; errors: string[] } | undefined;
  for (const l of lines) {
    const header = /^_{3,} (.+?) _{3,}$/.exec(l);
    if (header) sections.set(header[1], (current = { errors: [] }));
    else if (/^={5,}/.test(l)) current = undefined;
    else if (current) {
      const loc = /^(\S+\.py):(\d+): (?:in \S+|\w+)/.exec(l);
      if (loc) Object.assign(current, { file: loc[1], line: Number(loc[2]) });
      const e = /^E\s+(.*)$/.exec(l);
      if (e) current.errors.push(e[1]);
    }
  }
  for (const l of lines) {
    const m = /^(FAILED|ERROR) (\S+?)(?:::(\S+))?(?: - (.+))?$/.exec(l);
    if (!m) continue;
    const section =
      sections.get(m[3] ? m[3].replace(/::/g, '.') : `ERROR collecting ${m[2]}`) ?? sections.get(m[3]?.split('::').pop() ?? '');
    out.push({
      test: m[3] ? `${m[2]}::${m[3]}` : m[2],
      file: section?.file ?? m[2],
      line: section?.line,
      message: m[4] ?? (section?.errors.length ? message(section.errors) : m[1] === 'ERROR' ? 'error during collection' : 'failed'),
    });
  }
  return out;
};

/** cargo test panics (`---- name stdout ----`, `panicked at file:line:col:`) and rustc `error[E…]` + `-->`. */
export const cargo: Extractor = (lines) => {
  const out: Failure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const test = /^---- (\S+) stdout ----$/.exec(lines[i]);
    if (test) {
      for (let j = i + 1; j < lines.length && !/^---- /.test(lines[j]) && lines[j] !== 'failures:'; j++) {
        // Rust ≥ 1.73: `panicked at src/lib.rs:17:9:` then the message; older: `panicked at 'msg', src/lib.rs:17:9`.
        const now = /^thread '.*?'(?: \(\d+\))? panicked at (.+?):(\d+):\d+:$/.exec(lines[j]);
        const old = /^thread '.*?' panicked at '(.*)', (.+?):(\d+):\d+$/.exec(lines[j]);
        if (now) {
          const text = lines.slice(j + 1, j + 1 + stopAt(lines.slice(j + 1), (l) => /^(stack backtrace:|note: )/.test(l) || l === ''));
          out.push({ test: test[1], file: now[1], line: Number(now[2]), message: message(text) });
          break;
        }
        if (old) {
          out.push({ test: test[1], file: old[2], line: Number(old[3]), message: old[1] });
          break;
        }
      }
      continue;
    }
    const error = /^(error(?:\[E\d+\])?): (.+)$/.exec(lines[i]);
    const arrow = error && /^\s*--> (.+?):(\d+):\d+$/.exec(lines[i + 1] ?? '');
    if (error && arrow) out.push({ file: arrow[1], line: Number(arrow[2]), message: `${error[1]}: ${error[2]}` });
  }
  return out;
};

/** go test: `--- FAIL: TestX (0.00s)` with `file.go:9: msg` lines below; build errors `./a.go:4:9: msg`; panics. */
export const goTest: Extractor = (lines) => {
  const out: Failure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)--- FAIL: (\S+) \(/.exec(lines[i]);
    if (m) {
      // A parent's block holds its subtests' reports: its own lines end at the first nested `--- `.
      const below = blockBelow(lines, i, m[1].length);
      const body = below.slice(
        0,
        stopAt(below, (l) => /^\s*--- (FAIL|PASS|SKIP)/.test(l)),
      );
      const at = stopAt(body, (l) => /^\s*\S+\.go:\d+: /.test(l));
      const located = /^\s*(\S+\.go):(\d+): (.*)$/.exec(body[at] ?? '');
      if (located)
        out.push({ test: m[2], file: located[1], line: Number(located[2]), message: message([located[3], ...body.slice(at + 1)]) });
      else if (body.some((l) => l.trim() !== '')) out.push({ test: m[2], message: message(body) });
      else if (!lines.some((l) => l.includes(`--- FAIL: ${m[2]}/`))) out.push({ test: m[2], message: 'failed' });
      continue;
    }
    const build = /^(\.?\.?\/?\S+\.go):(\d+):\d+: (.+)$/.exec(lines[i]);
    if (build) {
      out.push({ file: build[1], line: Number(build[2]), message: build[3] });
      continue;
    }
    const panic = /^panic: (.+)$/.exec(lines[i]);
    if (panic) {
      const frame = lines
        .slice(i + 1)
        .map((l) => /^\s+(\/\S+\.go|\S+\.go):(\d+)/.exec(l))
        .find((x) => x && !x[1].includes('/go/src/'));
      out.push({ file: frame?.[1], line: frame ? Number(frame[2]) : undefined, message: `panic: ${panic[1]}` });
    }
  }
  return out;
};

/** Node's report of an uncaught error: `/path/file.js:1`, the source line, a caret, then `SyntaxError: …`. */
export const nodeUncaught: Extractor = (lines) => {
  const out: Failure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\/\S+|\S+\.[cm]?[jt]sx?):(\d+)$/.exec(lines[i]);
    if (!m) continue;
    const err = lines.slice(i + 1, i + 6).find((l) => /^[A-Z]\w*(Error|Exception)\b.*?: /.test(l));
    if (err) out.push({ file: m[1], line: Number(m[2]), message: err.trim() });
  }
  return out;
};

export const EXTRACTORS: readonly Extractor[] = [tsc, nodeTestSpec, tap, mochaSpec, jest, vitest, pytest, cargo, goTest, nodeUncaught];

/** The lines under `lines[at]` that are indented deeper than `base` (blank lines included, trailing ones cut). */
function blockBelow(lines: readonly string[], at: number, base: number): string[] {
  let end = at + 1;
  while (end < lines.length && (lines[end].trim() === '' || indent(lines[end]) > base)) end++;
  while (end > at + 1 && lines[end - 1].trim() === '') end--;
  return lines.slice(at + 1, end);
}

/** Index of the first line matching `stop`, or the length. */
function stopAt(lines: readonly string[], stop: (line: string) => boolean): number {
  const i = lines.findIndex(stop);
  return i < 0 ? lines.length : i;
}
