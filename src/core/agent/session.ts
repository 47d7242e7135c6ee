import type { FixAction, HostToWebview, ViewState } from '../../shared/protocol';
import { checkSettings, describeModelError, endpointLabel, isAbort, type UserFacingError } from '../model/errors';
import type { ChatItem, ModelClient, ModelSettings } from '../model/types';
import { Transcript } from './transcript';

export interface SessionDeps {
  /** Current settings (configuration + secret key), read fresh for every request. */
  resolveSettings(): Promise<ModelSettings>;
  createClient(settings: ModelSettings): ModelClient;
  post(msg: HostToWebview): void;
  systemPrompt(): Promise<string>;
  contextWindow(): number;
}

/**
 * One task's conversation: the user's prompts, the model's streamed answers, and the state the webview
 * renders. Only one request runs at a time; `cancel()` aborts it at once.
 */
export class ChatSession {
  private readonly transcript: Transcript;
  private history: ChatItem[] = [];
  private running: AbortController | undefined;
  private lastPrompt: string | undefined;
  private contextUsed = 0;
  private model = '';
  private endpoint = '';

  constructor(private readonly deps: SessionDeps) {
    this.transcript = new Transcript(deps.post);
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  snapshot(): ViewState {
    return this.transcript.snapshot({
      busy: this.busy,
      model: this.model,
      endpoint: this.endpoint,
      contextWindow: this.deps.contextWindow(),
      contextUsed: this.contextUsed,
    });
  }

  async refreshSettings(): Promise<void> {
    const settings = await this.deps.resolveSettings();
    this.model = settings.model;
    this.endpoint = endpointLabel(settings);
  }

  async prompt(text: string): Promise<void> {
    if (this.running) {
      this.transcript.put({ kind: 'notice', id: this.transcript.newId('notice'), text: 'Still working on the previous request: stop it first.' });
      return;
    }
    this.lastPrompt = text;
    this.transcript.put({ kind: 'user', id: this.transcript.newId('user'), text });
    this.history.push({ role: 'user', content: text });
    await this.run();
  }

  /** Re-sends the conversation after a failure, without adding the prompt again. */
  async retry(): Promise<void> {
    if (this.running || this.lastPrompt === undefined) return;
    await this.run();
  }

  cancel(): void {
    this.running?.abort();
  }

  newTask(): void {
    this.cancel();
    this.history = [];
    this.lastPrompt = undefined;
    this.contextUsed = 0;
    this.transcript.clear();
    this.deps.post({ type: 'state', state: this.snapshot() });
  }

  async fix(action: FixAction): Promise<void> {
    if (action === 'retry') await this.retry();
  }

  private async run(): Promise<void> {
    const controller = new AbortController();
    this.running = controller;
    this.deps.post({ type: 'busy', busy: true });
    try {
      const settings = await this.deps.resolveSettings();
      this.model = settings.model;
      this.endpoint = endpointLabel(settings);
      const problem = checkSettings(settings);
      if (problem) return this.showError(problem);
      const items: ChatItem[] = [{ role: 'system', content: await this.deps.systemPrompt() }, ...this.history];
      await this.streamTurn(this.deps.createClient(settings), items, settings, controller.signal);
    } finally {
      this.running = undefined;
      this.transcript.finishStreaming();
      this.deps.post({ type: 'busy', busy: false });
    }
  }

  private async streamTurn(client: ModelClient, items: ChatItem[], settings: ModelSettings, signal: AbortSignal): Promise<void> {
    const answerId = this.transcript.newId('assistant');
    let reasoningId: string | undefined;
    let answer = '';
    this.transcript.put({ kind: 'assistant', id: answerId, text: '', streaming: true });
    try {
      for await (const event of client.stream({ items }, signal)) {
        switch (event.type) {
          case 'text':
            answer += event.delta;
            this.transcript.appendText(answerId, event.delta);
            break;
          case 'reasoning':
            if (!reasoningId) {
              reasoningId = this.transcript.newId('reasoning');
              this.transcript.put({ kind: 'reasoning', id: reasoningId, text: '', streaming: true });
            }
            this.transcript.appendText(reasoningId, event.delta);
            break;
          case 'usage':
            this.contextUsed = event.usage.inputTokens + event.usage.outputTokens;
            this.deps.post({ type: 'usage', contextUsed: this.contextUsed, contextWindow: this.deps.contextWindow() });
            break;
          case 'toolCall':
            // Tools arrive with the agent loop; until then a call is answered as unavailable.
            break;
        }
      }
      this.history.push({ role: 'assistant', content: answer });
    } catch (err) {
      if (answer) this.history.push({ role: 'assistant', content: answer });
      if (isAbort(err) || signal.aborted) {
        this.transcript.put({ kind: 'notice', id: this.transcript.newId('notice'), text: 'Stopped.' });
        return;
      }
      this.showError(describeModelError(err, settings));
    }
  }

  private showError(error: UserFacingError): void {
    this.transcript.put({ kind: 'error', id: this.transcript.newId('error'), message: error.message, fix: error.fix, action: error.action });
  }
}
