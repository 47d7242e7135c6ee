/**
 * Verification (issue 5): which command proves the edits, what its output means, and the bounded fix loop.
 * Pure core: processes, shadows and the sandbox are in src/node/sandbox and the hosts.
 */
export { resolveVerification, type ResolveInput, type TaskCandidate, type VerifyResolution } from './resolve';
export {
  summarizeOutput,
  summarizeRun,
  describe as describeFailure,
  type Failure,
  type SummarizeOptions,
  type VerifySummary,
} from './summarize';
export {
  runFixLoop,
  failureSignature,
  DEFAULT_MAX_ATTEMPTS,
  type FixLoopCause,
  type FixLoopOptions,
  type FixLoopResult,
  type FixLoopStatus,
  type FixProposal,
  type TimelineEntry,
} from './fixLoop';
