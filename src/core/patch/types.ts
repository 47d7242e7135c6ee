// Data shapes shared by the parser, the matcher and the applier.
import type { StructuredPatchHunk } from 'diff';

/** One body line of a hunk. `patchLine` is 1-based in the text the model sent, for error messages. */
export interface HunkLine {
  kind: 'context' | 'delete' | 'add';
  text: string;
  patchLine: number;
}

/** Line numbers from a unified-diff style header (`@@ -a,b +c,d @@`); a hint only, never trusted. */
export interface RangeHint {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
}

export interface Hunk {
  /** `@@ <text>` lines (class/function lines) that narrow where the hunk lives; outermost first. */
  headers: string[];
  rangeHint?: RangeHint;
  lines: HunkLine[];
  /** `*** End of File` followed the hunk: it should sit at the end of the file. */
  endOfFile: boolean;
  /** 1-based patch line of the first `@@` (or first body line when there is no `@@`). */
  patchLine: number;
}

export interface AddFileOp {
  kind: 'add';
  path: string;
  /** Lines of the new file, without line terminators. */
  lines: string[];
  patchLine: number;
}

export interface DeleteFileOp {
  kind: 'delete';
  path: string;
  patchLine: number;
}

export interface UpdateFileOp {
  kind: 'update';
  path: string;
  movePath?: string;
  hunks: Hunk[];
  patchLine: number;
}

export type FileOp = AddFileOp | DeleteFileOp | UpdateFileOp;

export interface ParsedPatch {
  ops: FileOp[];
}

/** Where file contents come from. `undefined` means the file does not exist. */
export interface PatchSource {
  read(path: string): Promise<string | undefined>;
}

/** The outcome for one file: exact new bytes, nothing written yet. */
export interface FileChange {
  kind: 'add' | 'delete' | 'update';
  path: string;
  /** Set when the file is renamed; `newContent` then belongs to `movePath`. */
  movePath?: string;
  /** Absent for `add`. */
  oldContent?: string;
  /** Absent for `delete`. */
  newContent?: string;
  /**
   * Set when the change overwrites a file that exists instead of editing it: `*** Add File` (or Delete + Add)
   * of an existing path, or `*** Move to` onto an existing path. `path` is the overwritten file (this change's
   * `path`, or its `movePath`), `content` what it held, `removedLines` how many of its lines the new content
   * does not keep.
   */
  replaces?: Replacement;
  /** Hunks from the `diff` package's `structuredPatch` (old vs new content). */
  hunks: StructuredPatchHunk[];
  /** Unified diff of this file. */
  diff: string;
}

export interface Replacement {
  path: string;
  content: string;
  removedLines: number;
}

export interface PatchResult {
  files: FileChange[];
  /** Unified diff of every file, concatenated. */
  diff: string;
}
