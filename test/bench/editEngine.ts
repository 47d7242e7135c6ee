// What the edit bench runs a case with: an engine takes the case's file and patch and says what the file became,
// or that it refused. Fixpoint's engine runs in memory; others (codexEngine.ts) may run a real program.
import { applyPatch, PatchError, type PatchResult } from '../../src/core/patch';

export interface EditCase {
  id: string;
  repo: string;
  path: string;
  variant: string;
  before: string;
  patch: string;
  expected: string | null;
}

/** `ms` is the engine's own time for the case (for a program: from its start to its exit). */
export type EngineResult =
  | { kind: 'output'; content: string; ms: number }
  | { kind: 'refused'; message: string; ms: number }
  | { kind: 'crash'; message: string; ms: number };

export interface EditEngine {
  name: string;
  apply(c: EditCase): Promise<EngineResult>;
  dispose?(): void;
}

export const fixpointEngine: EditEngine = {
  name: 'fixpoint (src/core/patch, in memory)',
  async apply(c) {
    const source = { read: async (p: string) => (p === c.path ? c.before : undefined) };
    const t0 = process.hrtime.bigint();
    const elapsed = (): number => Number(process.hrtime.bigint() - t0) / 1e6;
    try {
      const result = await applyPatch(c.patch, source);
      return { kind: 'output', content: fileAfter(c, result), ms: elapsed() };
    } catch (err) {
      const ms = elapsed();
      if (err instanceof PatchError) return { kind: 'refused', message: err.message, ms };
      return { kind: 'crash', message: err instanceof Error ? (err.stack ?? err.message) : String(err), ms };
    }
  },
};

/** The content at the case's path after the patch ('' when the patch deleted or moved it away). */
function fileAfter(c: EditCase, result: PatchResult): string {
  const landed = result.files.find((f) => (f.movePath ?? f.path) === c.path);
  if (landed) return landed.newContent ?? '';
  return result.files.some((f) => f.path === c.path) ? '' : c.before;
}
