// The context a tool runs in, for tests of tools that only read: the workspace and approval engine are real
// (over `root`), while running a command, asking an approval or granting a rule throws, so a tool that tries
// one fails its test. A test that expects a proposal passes its own reviewer.
import { AuditLog } from '../../../src/core/policy';
import type { ToolContext } from '../../../src/core/tools/types';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { engineFor } from '../policy/engineFor';

export function readOnlyToolContext(root: string, overrides: Partial<ToolContext> = {}): ToolContext {
  const refuse = async (): Promise<never> => {
    throw new Error('the tools under test run nothing');
  };
  return {
    workspace: new NodeWorkspace({ root }),
    runner: { run: refuse, runTask: refuse, canRun: () => ({ ok: true }) },
    approver: { approveCommand: refuse },
    reviewer: { propose: refuse },
    policy: engineFor(root),
    audit: new AuditLog(),
    grant: refuse,
    updatePlan: () => undefined,
    signal: new AbortController().signal,
    ...overrides,
  };
}
