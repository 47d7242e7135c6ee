import { ok, type PlanStep, type ToolDefinition } from './types';

export const updatePlanTool: ToolDefinition<{ steps: PlanStep[] }> = {
  spec: {
    name: 'update_plan',
    description: 'Show the user your plan as a checklist. Send the whole list each time; mark at most one step in_progress.',
    parameters: {
      type: 'object',
      properties: {
        steps: {
          type: 'array',
          items: {
            type: 'object',
            properties: { text: { type: 'string' }, status: { type: 'string', enum: ['pending', 'in_progress', 'completed'] } },
            required: ['text', 'status'],
            additionalProperties: false,
          },
        },
      },
      required: ['steps'],
      additionalProperties: false,
    },
  },
  mutating: false,
  summarize: (a) => `${a.steps.filter((s) => s.status === 'completed').length}/${a.steps.length} done`,
  async run(args, { updatePlan }) {
    updatePlan(args.steps);
    return ok('Plan updated.');
  },
};
