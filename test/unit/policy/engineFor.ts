// A real approval engine over a real folder, for tests that need one without a whole session.
import { ApprovalEngine, type PolicyFacts } from '../../../src/core/policy';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';

export function engineFor(root: string, facts: Partial<PolicyFacts> = {}): ApprovalEngine {
  const workspace = new NodeWorkspace({ root });
  return new ApprovalEngine({
    root,
    isIgnored: (relative) => workspace.isIgnored(relative),
    gitConfig: (cwd) => workspace.gitConfig(cwd),
    commandRules: () => ({ allow: [], deny: [] }),
    approvalSettings: () => ({ edits: 'review', commands: 'ask' }),
    sandboxAvailable: async () => false,
    knownSecrets: () => [],
    ...facts,
  });
}
