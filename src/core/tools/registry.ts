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

/** Every tool the agent may call. The names and arguments are a public contract. */
export const ALL_TOOLS: readonly ToolDefinition<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any -- each tool has its own argument type
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
  private readonly byName: Map<string, ToolDefinition<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

  constructor(tools: readonly ToolDefinition<any>[] = ALL_TOOLS) { // eslint-disable-line @typescript-eslint/no-explicit-any
    this.byName = new Map(tools.map((t) => [t.spec.name, t]));
  }

  get(name: string): ToolDefinition<any> | undefined { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.byName.get(name);
  }

  specs(): ToolSpec[] {
    return [...this.byName.values()].map((t) => t.spec);
  }
}
