// Context accounting at the default 192k window: how long counting and compacting a full history takes, per
// agent step, against a baseline of merely copying the history (same process, so machine noise cancels out).
import { compactHistory } from '../../src/core/agent/compaction';
import { historyTokens } from '../../src/core/agent/tokens';
import type { ChatItem } from '../../src/core/model/types';

const WINDOW = 192_000;

function syntheticHistory(targetTokens: number): ChatItem[] {
  const items: ChatItem[] = [
    { role: 'system', content: 'You are Fixpoint.' },
    { role: 'user', content: 'Refactor the parser and make the tests pass.' },
  ];
  const code = Array.from({ length: 60 }, (_, i) => `export function step${i}(input: string): number { return input.length * ${i}; }`).join(
    '\n',
  );
  let n = 0;
  while (historyTokens(items) < targetTokens) {
    const id = `call_${n++}`;
    items.push({
      role: 'assistant',
      content: `Reading part ${n}.`,
      toolCalls: [{ id, name: 'read_file', arguments: JSON.stringify({ path: `src/part${n}.ts` }) }],
    });
    items.push({ role: 'tool', callId: id, content: `${code}\n// part ${n}` });
  }
  return items;
}

function time(fn: () => void, repeat: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b);
}

const median = (s: number[]) => s[Math.floor(s.length / 2)];

const built = performance.now();
const history = syntheticHistory(WINDOW);
const coldMs = performance.now() - built;
const tokens = historyTokens(history);
const baseline = time(() => history.map((i) => ({ ...i })), 50);
const counting = time(() => historyTokens(history), 50);
const fresh = () => history.map((i) => ({ ...i }) as ChatItem);
const compacting = time(() => compactHistory(fresh(), WINDOW * 0.85), 10);
const compacted = compactHistory(fresh(), WINDOW * 0.85);
const pairsIntact = compacted.items.every(
  (item, i, all) =>
    item.role !== 'tool' || all.slice(0, i).some((a) => a.role === 'assistant' && a.toolCalls?.some((c) => c.id === item.callId)),
);

console.log(`history: ${history.length} items, ${tokens} tokens (o200k), built and first counted in ${coldMs.toFixed(0)} ms`);
console.log(
  `per step: count (cached) median ${median(counting).toFixed(2)} ms vs copy baseline ${median(baseline).toFixed(2)} ms (ratio ${(median(counting) / median(baseline)).toFixed(2)}x)`,
);
console.log(
  `compaction to 85% of ${WINDOW}: median ${median(compacting).toFixed(1)} ms (ratio to copy ${(median(compacting) / median(baseline)).toFixed(1)}x), ${historyTokens(compacted.items)} tokens after, tool call/result pairs intact: ${pairsIntact}`,
);
