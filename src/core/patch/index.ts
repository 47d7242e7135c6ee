// Public API of the patch engine: parse an `apply_patch` text and compute exact new file contents, in memory.
// Callers (the tool layer, the review UI) decide what to write, after approval.
export { PatchError } from './errors';
export { parsePatch } from './parser';
export { applyPatch, changesFromContents } from './apply';
export type {
  AddFileOp,
  DeleteFileOp,
  FileChange,
  FileOp,
  Hunk,
  HunkLine,
  ParsedPatch,
  PatchResult,
  PatchSource,
  RangeHint,
  UpdateFileOp,
} from './types';
