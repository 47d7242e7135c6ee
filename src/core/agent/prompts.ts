export interface PromptContext {
  workspaceName?: string;
  /** Contents of AGENTS.md files that apply, nearest last. */
  rules?: string[];
}

export function systemPrompt(context: PromptContext): string {
  const parts = [
    'You are Fixpoint, a careful senior software engineer working inside the user\'s VS Code workspace.',
    'Answer concisely in Markdown. Use fenced code blocks with a language tag for code.',
    'Never claim to have changed or run something you did not.',
  ];
  if (context.workspaceName) parts.push(`The open workspace is "${context.workspaceName}".`);
  for (const rule of context.rules ?? []) parts.push(`Project instructions (AGENTS.md):\n${rule}`);
  return parts.join('\n\n');
}
