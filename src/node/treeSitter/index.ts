import { countTokens } from '../../core/agent/tokens';
import { RepoMap } from '../../core/context/repoMap';
import { TagIndex } from '../../core/context/tagIndex';
import type { Workspace } from '../../core/ports';
import { SyntaxCodeIntelligence } from './syntaxIntelligence';
import { TreeSitterTagger } from './tagger';

/**
 * The tree-sitter services of one workspace over one shared index: the repo map (extension and CLI) and the
 * syntax-only code intelligence (the CLI's; the extension has its language servers).
 */
export function syntaxServices(workspace: Workspace): { repoMap: RepoMap; codeIntelligence: SyntaxCodeIntelligence } {
  const tagger = new TreeSitterTagger(workspace.root);
  const index = new TagIndex(workspace, tagger);
  return { repoMap: new RepoMap(index, { countTokens }), codeIntelligence: new SyntaxCodeIntelligence(workspace, tagger, index) };
}
