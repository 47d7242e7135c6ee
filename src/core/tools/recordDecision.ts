import { ok, ToolError, type ToolDefinition } from './types';

/** Decisions go into the task's ledger, which every later request carries (compaction never drops them). */
export const recordDecisionTool: ToolDefinition<{ decision: string; why: string; open_questions?: string[] }> = {
  spec: {
    name: 'record_decision',
    description:
      'Record a decision you made for this task and why (a design choice, a rejected approach, an assumption), and optionally the questions still open. It stays in the task ledger for the rest of the task, even after the conversation is compacted.',
    parameters: {
      type: 'object',
      properties: {
        decision: { type: 'string' },
        why: { type: 'string' },
        open_questions: {
          type: 'array',
          items: { type: 'string' },
          description: 'The full list of open questions (replaces the previous one).',
        },
      },
      required: ['decision', 'why'],
      additionalProperties: false,
    },
  },
  mutating: false,
  summarize: (a) => a.decision.slice(0, 80),
  async run(args, { ledger }) {
    if (!ledger) throw new ToolError('There is no task ledger here.');
    if (!args.decision.trim()) throw new ToolError('The decision is empty.');
    ledger.addDecision(args.decision, args.why);
    if (args.open_questions) ledger.setOpenQuestions(args.open_questions);
    return ok('Recorded in the task ledger.');
  },
};
