import type { ChatItem } from '../model/types';
import { unansweredCalls } from '../tasks/reopen';

/**
 * The conversation with the model: one array, the system prompt first, that the running loop works on in
 * place (steps appended, older turns compacted). Starting over replaces the array rather than emptying it,
 * so a run still winding down keeps writing into the old one, never into the new task.
 */
export class Conversation {
  private items: ChatItem[] = [system('')];
  /** The user's last request, for Retry. */
  lastPrompt: string | undefined;

  /** Everything after the system prompt (what is stored with the task). */
  get history(): ChatItem[] {
    return this.items.slice(1);
  }

  /** The array a run works on, with the system prompt as it is now. */
  forRun(systemPrompt: string): ChatItem[] {
    this.items[0] = system(systemPrompt);
    return this.items;
  }

  /** The user's turn: their words, and the context gathered for them. */
  addUserTurn(text: string, context: string): void {
    this.lastPrompt = text;
    this.items.push({ role: 'user', content: context ? `${text}\n\n<context>\n${context}\n</context>` : text });
  }

  /** A note for the model from outside a run (a restored checkpoint, a proposal reviewed after a reload). */
  push(item: ChatItem): void {
    this.items.push(item);
  }

  /** Answers the calls still open at the end (the user moved on without answering them). */
  answerOpenCalls(why: string): void {
    for (const call of unansweredCalls(this.items)) this.items.push({ role: 'tool', callId: call.id, content: why });
  }

  /** The history after a compaction or a restore. */
  replace(history: ChatItem[], lastPrompt = this.lastPrompt): void {
    this.items = [this.items[0], ...history];
    this.lastPrompt = lastPrompt;
  }

  clear(): void {
    this.items = [system('')];
    this.lastPrompt = undefined;
  }
}

function system(content: string): ChatItem {
  return { role: 'system', content };
}
