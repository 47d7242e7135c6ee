import * as vscode from 'vscode';

/** Read-only inline rendering of a proposed file change (removed + added lines), reviewed hunk by hunk. */
export const REVIEW_SCHEME = 'fixpoint-review';
/** The file as it would be with the whole proposal accepted: the right side of the side-by-side diff. */
export const PROPOSED_SCHEME = 'fixpoint-proposed';

export function proposalUri(scheme: string, proposalId: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme, path: `/${path}`, query: new URLSearchParams({ proposal: proposalId }).toString() });
}

export function parseProposalUri(uri: vscode.Uri): { proposalId: string; path: string } | undefined {
  if (uri.scheme !== REVIEW_SCHEME && uri.scheme !== PROPOSED_SCHEME) return undefined;
  const proposalId = new URLSearchParams(uri.query).get('proposal');
  return proposalId ? { proposalId, path: uri.path.replace(/^\//, '') } : undefined;
}
