/**
 * Safety policy: pure decisions about paths, commands, git, secrets and invisible text (SAFETY.md §1–4, §9–14,
 * §17, §21). No I/O beyond reading the workspace's files and ignore rules; no `vscode`.
 */
export {
  resolveWorkspacePath,
  isProtectedPath,
  protectedPathReason,
  protectedPathReasonIn,
  gitDirsInside,
  foldPath,
  isInside,
  type ResolvedPath,
} from './paths';
export { classifyCommand, type CommandClassification, type CommandDecision, type CommandPolicyOptions, type CommandRisk } from './commands';
export {
  safeGitArgs,
  gitEnv,
  driverOverrides,
  untrustedGitConfig,
  parseGitConfigList,
  SAFE_GIT_CONFIG,
  type GitConfigEntry,
  type SafeGitOptions,
} from './git';
export {
  isSecretPath,
  createIgnoreFilter,
  scrubEnvironment,
  isSecretEnvName,
  secretEnvironmentValues,
  type IgnoreFilterOptions,
} from './secrets';
export { findInvisible, revealInvisible, hasInvisible, formatCodePoint, type InvisibleChar, type InvisibleKind } from './invisible';
export {
  ApprovalEngine,
  approvalSettingsOf,
  type ApprovalMode,
  type ApprovalSettings,
  type CommandApproval as CommandApprovalMode,
  type EditApproval,
  type PolicyDecision,
  type PolicyFacts,
  type EditProposalFacts,
} from './engine';
export { ApprovalGrants, type ApprovalScope, type Grant, type GrantStore } from './grants';
export { AuditLog, auditDigest, auditToMarkdown, type AuditEntry } from './audit';
export { redactSecrets, type Redaction } from './redact';
export { fileArgumentFindings } from './fileArguments';
