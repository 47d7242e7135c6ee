import type { ToolSpec } from '../model/types';
import { applyPatchTool } from './applyPatch';
import { documentOutlineTool } from './documentOutline';
import { findReferencesTool } from './findReferences';
import { findSymbolTool } from './findSymbol';
import { getDiagnosticsTool } from './getDiagnostics';
import { goToDefinitionTool } from './goToDefinition';
import { listFilesTool } from './listFiles';
import { readFileTool } from './readFile';
import { renameSymbolTool } from './renameSymbol';
import { runCommandTool } from './runCommand';
import { runTaskTool } from './runTask';
import { searchTool } from './search';
import { typeInfoTool } from './typeInfo';
import type { OptionalPorts, ToolDefinition } from './types';
import { updatePlanTool } from './updatePlan';
import { recordDecisionTool } from './recordDecision';

/** A tool of any argument type: each tool validates its own arguments, so the registry cannot name one type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arguments are contravariant; unknown would reject every tool
type AnyTool = ToolDefinition<any>;

/** Every tool the agent may call. The names and arguments are a public contract. */
export const ALL_TOOLS: readonly AnyTool[] = [
  listFilesTool,
  readFileTool,
  searchTool,
  getDiagnosticsTool,
  findSymbolTool,
  goToDefinitionTool,
  findReferencesTool,
  typeInfoTool,
  documentOutlineTool,
  applyPatchTool,
  renameSymbolTool,
  runCommandTool,
  runTaskTool,
  updatePlanTool,
  recordDecisionTool,
];

export class ToolRegistry {
  private readonly byName: Map<string, AnyTool>;

  /** `ports`: the optional ports this front end has; tools needing another are not offered (but still answer). */
  constructor(
    private readonly ports: OptionalPorts = {},
    tools: readonly AnyTool[] = ALL_TOOLS,
  ) {
    this.byName = new Map(tools.map((t) => [t.spec.name, t]));
  }

  get(name: string): AnyTool | undefined {
    return this.byName.get(name);
  }

  /** The tools offered to the model. */
  specs(): ToolSpec[] {
    return [...this.byName.values()].filter((t) => !t.requires || this.ports[t.requires] !== undefined).map((t) => t.spec);
  }
}
