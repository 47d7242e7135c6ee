/** Where background tasks run on this machine: git worktrees outside the user's repository (issue 13). */
export { GitWorktrees, slug } from './gitWorktrees';
export { defaultWorktreeBase } from './records';
