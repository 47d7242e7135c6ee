import { checkSettings, endpointLabel } from '../model/errors';
import type { ModelSettings } from '../model/types';
import type { SessionDeps } from './sessionDeps';
import type { TranscriptSink } from './transcript';

/**
 * Which model answers and what the header says: the configured model, or the fast one for a quick ask while
 * it runs. Settings are read fresh for every request; incomplete ones become an error card saying what to fix.
 */
export class ModelChoice {
  model = '';
  endpoint = '';
  private configuredModel = '';

  constructor(private readonly deps: Pick<SessionDeps, 'resolveSettings' | 'post'>) {}

  /** The settings as configured now (the header follows them). */
  async refresh(): Promise<ModelSettings> {
    const settings = await this.deps.resolveSettings();
    this.model = settings.model;
    this.endpoint = endpointLabel(settings);
    return settings;
  }

  /** The settings for a request (the fast model if asked), or undefined after showing what to fix. */
  async forRequest(fast: boolean | undefined, transcript: TranscriptSink): Promise<ModelSettings | undefined> {
    const configured = await this.deps.resolveSettings();
    const settings = fast && configured.fastModel ? { ...configured, model: configured.fastModel } : configured;
    this.configuredModel = configured.model;
    this.model = settings.model;
    this.endpoint = endpointLabel(settings);
    this.deps.post({ type: 'busy', busy: true, model: this.model });
    const problem = checkSettings(settings);
    if (!problem) return settings;
    transcript.put({ kind: 'error', id: transcript.newId('error'), message: problem.message, fix: problem.fix, action: problem.action });
    return undefined;
  }

  /** A fast-mode or quick-fix run is over: the header shows the configured model again. */
  runEnded(): void {
    if (this.configuredModel) this.model = this.configuredModel;
  }
}
