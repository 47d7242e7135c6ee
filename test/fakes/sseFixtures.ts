// Recorded-style provider streams (test/fixtures/streams/*.sse), replayed byte for byte by the fake server.
// Each file opens with an SSE comment (`: source: …`) saying where its shape comes from; SSE parsers skip it.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** test/fixtures/streams, from the compiled test's folder (out/test/fakes → repo root) or the working directory. */
function streamsDir(): string {
  for (const root of [path.resolve(__dirname, '../../..'), process.cwd()]) {
    const dir = path.join(root, 'test/fixtures/streams');
    if (fs.existsSync(dir)) return dir;
  }
  throw new Error(`test/fixtures/streams not found from ${__dirname} or ${process.cwd()}`);
}

/** The fixture's SSE body as one write per event (each piece ends with its blank line), bytes unchanged. */
export function sseFixture(name: string): string[] {
  const text = fs.readFileSync(path.join(streamsDir(), `${name}.sse`), 'utf8');
  return text.split(/(?<=\n\n)/).filter(Boolean);
}
