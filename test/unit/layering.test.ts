import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

// The architecture's layer rules live in eslint.config.mjs (`npm run lint` checks the real tree). These tests
// prove the rules themselves bite: each forbidden import, linted as if it were in that layer, is reported.
const root = path.resolve(__dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layering (lint rules)', () => {
  const forbidden: Array<[file: string, code: string, why: RegExp]> = [
    ['src/core/agent/x.ts', "import * as vscode from 'vscode';\nexport const v = vscode;", /Only src\/host/],
    ['src/node/x.ts', "import * as vscode from 'vscode';\nexport const v = vscode;", /Only src\/host/],
    ['src/cli/x.ts', "import * as vscode from 'vscode';\nexport const v = vscode;", /Only src\/host/],
    ['media/x.ts', "import * as vscode from 'vscode';\nexport const v = vscode;", /Only src\/host/],
    ['src/core/agent/x.ts', "import { a } from '../../host/settings';\nexport const v = a;", /src\/core is plain TypeScript/],
    ['src/core/agent/x.ts', "import { a } from '../../node/nodeWorkspace';\nexport const v = a;", /src\/core is plain TypeScript/],
    ['src/core/agent/x.ts', "import { a } from '../../cli/render';\nexport const v = a;", /src\/core is plain TypeScript/],
    ['src/core/agent/x.ts', "import { a } from '../../../media/main';\nexport const v = a;", /src\/core is plain TypeScript/],
    ['src/shared/x.ts', "import { a } from '../core/model/providers';\nexport const v = a;", /imports nothing of the project/],
    ['src/shared/x.ts', "import type { Entry } from '../core/ports';\nexport type V = Entry;", /imports nothing of the project/],
    ['media/x.ts', "import { parseWebviewMessage } from '../src/shared/protocol';\nexport const v = parseWebviewMessage;", /only types/],
    ['media/x.ts', "import { a } from '../src/core/model/providers';\nexport const v = a;", /nothing of the extension/],
  ];
  for (const [file, code, why] of forbidden) {
    it(`reports ${code.split('\n')[0]} in ${file}`, async () => {
      const errors = await layerErrors(file, code);
      assert.equal(errors.length, 1, `expected one layer error, got ${JSON.stringify(errors)}`);
      assert.match(errors[0], why);
    });
  }

  const allowed: Array<[file: string, code: string]> = [
    ['src/host/x.ts', "import * as vscode from 'vscode';\nexport const v = vscode;"],
    ['src/extension.ts', "import * as vscode from 'vscode';\nexport const v = vscode;"],
    ['src/core/policy/x.ts', "import * as fs from 'node:fs';\nexport const v = fs;"],
    ['media/x.ts', "import type { Entry } from '../src/shared/protocol';\nexport type V = Entry;"],
    ['src/host/x.ts', "import { a } from '../core/model/providers';\nexport const v = a;"],
    ['src/shared/x.ts', "import type { PlanStep } from '../core/domain';\nexport type V = PlanStep;"],
  ];
  for (const [file, code] of allowed) {
    it(`allows ${code.split('\n')[0]} in ${file}`, async () => {
      assert.deepEqual(await layerErrors(file, code), []);
    });
  }
});
