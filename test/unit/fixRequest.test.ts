import * as assert from 'node:assert/strict';
import { buildFixPrompt } from '../../src/core/context/fixRequest';

describe('fix request', () => {
  it('carries the diagnostic, its location, related info, numbered code and the other problems', () => {
    const prompt = buildFixPrompt({
      path: 'src/math.ts',
      languageId: 'typescript',
      diagnostic: {
        path: 'src/math.ts',
        line: 3,
        column: 10,
        endLine: 3,
        severity: 'error',
        message: "Type 'string' is not assignable to type 'number'.",
        source: 'ts',
        code: '2322',
        related: [{ path: 'src/types.ts', line: 7, message: 'The expected type comes from here.' }],
      },
      excerpt: { startLine: 2, endLine: 4, text: 'export function add(a: number) {\n  return a + "1";\n}', kind: 'symbol' },
      otherDiagnostics: [{ path: 'src/math.ts', line: 9, column: 1, severity: 'warning', message: 'unused variable' }],
    });
    assert.match(prompt, /Fix this error in src\/math\.ts at line 3, column 10:/);
    assert.match(prompt, /error 2322 \(ts\): Type 'string'/);
    assert.match(prompt, /related: src\/types\.ts:7: The expected type comes from here\./);
    assert.match(prompt, /Enclosing code \(lines 2-4, numbered\):\n```typescript\n {4}2 {2}export function add/);
    assert.match(prompt, / {4}3 {4}return a \+ "1";/);
    assert.match(prompt, /Other problems in src\/math\.ts:\n- 9:1 warning: unused variable/);
  });
});
