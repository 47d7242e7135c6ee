import type { ToolSpec } from '../model/types';
import { applyPatchTool } from './applyPatch';
import { getDiagnosticsTool } from './getDiagnostics';
import { listFilesTool } from './listFiles';
import { readFileTool } from './readFile';
import { runCommandTool } from './runCommand';
import { runTaskTool } from './runTask';
import { searchTool } from './search';
import type { ToolDefinition } from './types';
import { updatePlanTool } from './updatePlan';

/** A tool of any argument type: each tool validates its own arguments, so the registry cannot name one type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arguments are contravariant; unknown would reject every tool
type AnyTool = ToolDefinition<any>;

/** Every tool the agent may call. The names and arguments are a public contract. */
export const ALL_TOOLS: readonly AnyTool[] = [
  listFilesTool,
  readFileTool,
  searchTool,
  getDiagnosticsTool,
  applyPatchTool,
  runCommandTool,
  runTaskTool,
  updatePlanTool,
];

export class ToolRegistry {
  private readonly byName: Map<string, AnyTool>;

  constructor(tools: readonly AnyTool[] = ALL_TOOLS) {
    this.byName = new Map(tools.map((t) => [t.spec.name, t]));
  }

  get(name: string): AnyTool | undefined {
    return this.byName.get(name);
  }

  specs(): ToolSpec[] {
    return [...this.byName.values()].map((t) => t.spec);
  }
}
