import type { ApprovalDecision, ViewState } from '../../shared/protocol';
import type { Runner } from '../ports';
import { expandMentions } from '../context/mentions';
import { ProposalReviewer } from '../review/reviewer';
import { Checkpoints } from '../review/checkpoints';
import { ALL_TOOLS, ToolRegistry } from '../tools/registry';
import { OpenTask } from '../tasks/openTask';
import { reopenTask } from '../tasks/reopen';
import { ChatApprover } from './approvals';
import { Conversation } from './conversation';
import { ModelChoice } from './modelChoice';
import { SessionPolicy } from './sessionPolicy';
import { UsageMeter } from './usageMeter';
import { toolTokens } from './toolTokens';
import { RunController } from './runController';
import { TaskCards } from './taskCards';
import { clearTask, liveTask, loadTask, markCheckpoint, restoreCheckpoint, settleWaiting, type TaskParts } from './taskParts';
import { TaskProgress, type RunEnd } from './taskProgress';
import { DEFAULT_AGENT_OPTIONS } from './loop';
import { carriedTokens, compactOnRequest } from './compaction';
import { PreReviewVerifier, runAgentVerified } from './verification';
import { recordingRunner, type LastRun } from './recordingRunner';
import { agentRunFor } from './sessionRun';
import { historyTokens } from './tokens';
import { Transcript } from './transcript';
import type { PromptOptions, SessionDeps } from './sessionDeps';

/**
 * The open task's conversation: the user's prompts, the agent's steps, and the state the webview renders.
 * Only one run at a time; `cancel()` stops the request, the running tool and any pending question at once.
 * The task itself is durable (OpenTask): every step is on disk when it ends, and a task cut off by a reload
 * or crash is resumed from its last step.
 */
export class ChatSession {
  private readonly transcript: Transcript;
  readonly approver: ChatApprover;
  readonly reviewer: ProposalReviewer;
  private readonly tools: ToolRegistry;
  /** The conversation with the model: the one history array, which the running loop works on in place. */
  private readonly conversation = new Conversation();
  private readonly runs = new RunController();
  private readonly usage = new UsageMeter();
  /** The tools offered in the latest run, for the meter's share of tool definitions (toolTokens.ts). */
  private runSpecs: ReturnType<ToolRegistry['specs']> | undefined;
  /** The task's ledger (goal, plan, decisions, files, checks) and its cards in the chat. */
  private readonly cards: TaskCards;
  private readonly models: ModelChoice;
  /** The open task as stored (each step on disk as it ends), and the workspace's other tasks. */
  readonly tasks: OpenTask;
  /** Running, waiting, how the last run ended, the budget, and the Resume / Continue card. */
  private readonly progress: TaskProgress;
  /** For @terminal: what the last command the agent ran printed. */
  private lastCommandOutput: string | undefined;
  /** The last command or task the agent ran (the check after accepted edits may not need to run again). */
  private lastRun: LastRun | undefined;
  /** The runner as the tools see it: records the last output for @terminal. */
  private readonly recordingRunner: Runner;
  private readonly preReview: PreReviewVerifier | undefined;
  /** The approval engine, the task's grants and its audit log. */
  readonly policy: SessionPolicy;
  /** Per-turn checkpoints of the workspace; none without a snapshot store. */
  private readonly checkpoints: Checkpoints | undefined;
  /** The parts holding the open task's state, as one (stored, cleared, loaded together). */
  private readonly parts: TaskParts;

  constructor(private readonly deps: SessionDeps) {
    this.tools = new ToolRegistry(deps);
    this.models = new ModelChoice(deps);
    this.policy = new SessionPolicy(deps);
    this.tasks = new OpenTask(
      deps.tasks?.files,
      deps.tasks?.legacy,
      liveTask(() => this.parts),
      deps.taskId,
    );
    const snapshots = deps.snapshots;
    this.checkpoints =
      snapshots && new Checkpoints(snapshots.store, deps.writer, { group: () => this.tasks.id, maxBytes: () => snapshots.maxBytes() });
    this.transcript = new Transcript((msg) => {
      deps.post(msg);
      if (msg.type === 'entry') this.cards.noteEntry(msg.entry);
      if (msg.type !== 'busy' && msg.type !== 'usage') this.tasks.scheduleSave();
    });
    this.approver = new ChatApprover(this.transcript);
    this.cards = new TaskCards(this.transcript, () => this.reviewer.writeLog.map((w) => w.path));
    this.recordingRunner = recordingRunner(deps.runner, (output, run) => {
      this.lastCommandOutput = output;
      this.lastRun = { ...run, writes: this.reviewer.writeLog.length };
      this.cards.ledger.noteCheck(run.command, run.passed);
    });
    this.reviewer = new ProposalReviewer(this.transcript, deps.writer, this.policy.reviewPolicy(), (turnId, change) =>
      this.checkpoints ? this.checkpoints.recordChange(turnId, change) : change(),
    );
    this.preReview = deps.verifier && new PreReviewVerifier(deps.verifier, this.transcript, deps.workspace.root);
    this.progress = new TaskProgress({
      running: () => this.busy,
      approver: this.approver,
      reviewer: this.reviewer,
      transcript: this.transcript,
      usage: this.usage,
      defaultBudget: () => deps.taskBudget?.(),
    });
    const { conversation, transcript, reviewer, approver, progress, usage, cards, checkpoints } = this;
    this.parts = { conversation, transcript, reviewer, approver, progress, usage, cards, checkpoints, audit: this.policy.audit };
  }

  get busy(): boolean {
    return this.runs.active !== undefined;
  }

  /** The built-in tools, plus the MCP servers' tools when there are any (listed again each run: servers change). */
  private async toolsForRun(signal: AbortSignal): Promise<ToolRegistry> {
    const extra = (await this.deps.extraTools?.(signal)) ?? [];
    const tools = extra.length ? new ToolRegistry(this.deps, [...ALL_TOOLS, ...extra]) : this.tools;
    this.runSpecs = tools.specs();
    return tools;
  }

  /** Resolves when no task is running (queued quick fixes wait for the current task). */
  whenIdle(): Promise<void> {
    return this.runs.whenIdle();
  }

  snapshot(): ViewState {
    const canRun = this.deps.runner.canRun();
    return this.transcript.snapshot({
      restricted: canRun.ok ? undefined : canRun.reason,
      busy: this.busy,
      model: this.models.model,
      endpoint: this.models.endpoint,
      contextWindow: this.contextWindow(),
      contextWindowSource: this.deps.contextWindowSource?.(),
      contextUsed: this.usage.contextUsed,
      inputTokens: this.usage.input,
      outputTokens: this.usage.output,
      cost: this.usage.cost,
      toolTokens: this.contextShares(),
    });
  }

  async refreshSettings(): Promise<void> {
    this.policy.apiKey = (await this.models.refresh()).apiKey;
    this.deps.post({ type: 'state', state: this.snapshot() });
  }

  async prompt(text: string, options: PromptOptions = {}): Promise<RunEnd | 'busy'> {
    if (text.trim() === '/compact') return this.compact();
    if (this.runs.active) {
      this.notice('Still working on the previous request: stop it first.');
      return 'busy';
    }
    // Busy from here on: a second prompt while the context is gathered must not start a second run.
    const controller = this.begin();
    this.cards.ledger.setGoal(text);
    this.preReview?.reset();
    settleWaiting(this.parts, 'The user sent a new message instead of answering this call; it did not run.');
    const userId = this.transcript.newId('user');
    this.reviewer.currentTurn = userId;
    this.transcript.put({ kind: 'user', id: userId, text });
    try {
      const context = (
        await Promise.all([
          this.deps.promptContext(),
          expandMentions(text, { workspace: this.deps.workspace, lastTerminalOutput: () => this.lastCommandOutput }),
        ])
      )
        .filter(Boolean)
        .join('\n\n');
      this.conversation.addUserTurn(text, context);
    } catch (err) {
      this.end(controller);
      throw err;
    }
    return this.run(controller, options);
  }

  /** `/compact`: summarise the older part of the conversation now (the user's choice of when). */
  async compact(): Promise<'answered' | 'busy' | 'misconfigured'> {
    if (this.runs.active) {
      this.notice('Still working on the previous request: stop it first, then /compact.');
      return 'busy';
    }
    const controller = this.begin();
    try {
      const settings = await this.models.forRequest(false, this.transcript);
      if (!settings) return 'misconfigured';
      const compacted = await compactOnRequest(this.conversation.history, {
        systemPrompt: await this.deps.systemPrompt(),
        window: this.contextWindow(),
        // The tools the last run offered (listing them anew would start MCP servers for a summary).
        carried: carriedTokens({ tools: { specs: () => this.runSpecs ?? this.tools.specs() }, ledger: () => this.cards.ledger.render() }),
        client: this.deps.createClient(settings),
        transcript: this.transcript,
        signal: controller.signal,
      });
      this.conversation.replace(compacted.history);
      if (compacted.tokens !== undefined) this.reportUsage(compacted.tokens);
      return 'answered';
    } finally {
      this.end(controller);
    }
  }

  /** A line in the chat that is not the model's (what happened around the task). */
  notice(text: string): void {
    this.transcript.put({ kind: 'notice', id: this.transcript.newId('notice'), text });
  }
  /** Shows a failure of a user action (from the chat) as an error card: a message, never a stack trace. */
  reportError(err: unknown): void {
    this.transcript.put({ kind: 'error', id: this.transcript.newId('error'), message: err instanceof Error ? err.message : String(err) });
  }

  /** Marks the session busy; every run or compaction goes through begin/end, so whenIdle() always settles. */
  private begin(): AbortController {
    const controller = this.runs.begin();
    this.usage.running(true);
    this.deps.post({ type: 'busy', busy: true });
    return controller;
  }

  private end(controller: AbortController): void {
    if (!this.runs.end(controller)) return;
    this.usage.running(false);
    this.transcript.finishStreaming();
    this.models.runEnded();
    this.deps.post({ type: 'busy', busy: false, model: this.models.model || undefined });
    void this.tasks.saveNow().catch(() => undefined);
  }

  /** Re-sends the conversation after a failure, without adding the prompt again. */
  async retry(): Promise<void> {
    if (this.runs.active || this.conversation.lastPrompt === undefined) return;
    await this.run(this.begin());
  }

  /**
   * The resume card's button: an interrupted task continues from its last recorded step; a task out of
   * budget gets the limits that ran out raised again by their size, and continues.
   */
  async resume(cardId?: string): Promise<RunEnd | 'busy' | 'nothing'> {
    if (this.runs.active) return 'busy';
    if (!this.progress.takeResume(cardId)) return 'nothing';
    return this.run(this.begin());
  }

  /** How a reopened task ends once the user answers the card it waits on; undefined when it waits on none. */
  whenAnswered(): Promise<RunEnd> | undefined {
    return this.progress.whenAnswered();
  }

  cancel(): void {
    this.runs.cancel();
  }

  newTask(): void {
    this.cancel();
    const active = this.runs.active;
    if (active) this.end(active);
    this.tasks.startNew(this.transcript.newId('task'));
    clearTask(this.parts);
    this.policy.newTask();
    this.deps.post({ type: 'state', state: this.snapshot() });
  }

  /** Writes the task now (also called on shutdown). */
  save(): Promise<void> {
    return this.tasks.saveNow();
  }

  /**
   * Opens a stored task (the most recent one when `id` is absent, as after a reload or crash). A task cut off
   * mid-run shows a Resume card; one waiting for an approval or review is still waiting, and answering
   * continues it; pending proposals come back for review (nothing is applied).
   */
  async restore(id?: string): Promise<boolean> {
    if (this.runs.active || this.transcript.all().length) {
      await this.save();
      this.newTask();
    }
    const saved = await this.tasks.open(id);
    if (!saved) return false;
    const reopened = reopenTask(saved);
    const { state, waiting, resumable, notice } = reopened;
    this.tasks.summary = state.summary;
    loadTask(this.parts, reopened, { continueWith: (result) => this.continueWaiting(result), saveSoon: () => this.tasks.scheduleSave() });
    if (notice) this.notice(notice);
    if (resumable) this.progress.interrupted();
    this.deps.post({ type: 'state', state: this.snapshot() });
    // The card waited on is shown again by itself, so a renderer that asks when one appears (the CLI) asks now.
    const card = waiting && this.transcript.all().find((e) => e.id === waiting.entryId);
    if (card) this.transcript.put(card);
    return true;
  }

  /** The user answered the card a reopened task waited on: its call gets `result` (or runs now) and the task goes on. */
  private continueWaiting(result?: string): void {
    const waiting = this.progress.waiting;
    if (!waiting || this.runs.active) return;
    if (result !== undefined) this.conversation.push({ role: 'tool', callId: waiting.callId, content: result });
    const run = this.run(this.begin());
    this.progress.continued(run);
    void run.catch((err: unknown) => this.reportError(err));
  }

  async deleteTask(id: string): Promise<void> {
    if (id === this.tasks.id) this.newTask();
    await this.tasks.remove(id);
    await this.checkpoints?.forget(id);
  }

  /**
   * VS Code is closing: write the current state (pending proposals included) and stop, without turning the
   * abort into rejections, so everything comes back for review, or to resume, on the next start.
   */
  async shutdown(): Promise<void> {
    await this.tasks.freeze();
    this.cancel();
  }

  approve(id: string, decision: ApprovalDecision): void {
    this.approver.decide(id, decision);
  }

  review(id: string, path: string | undefined, accept: boolean): void {
    this.reviewer.decideFile(id, path, accept);
  }

  /** Restores the workspace to the checkpoint of user entry `turnId` (or undoes that restore). */
  async checkpoint(turnId: string, action: 'restore' | 'undo'): Promise<void> {
    if (this.runs.active) return this.notice('Stop the task first, then restore the checkpoint.');
    await restoreCheckpoint(this.parts, turnId, action);
  }

  private contextWindow(): number {
    return this.deps.agentOptions().contextWindow ?? DEFAULT_AGENT_OPTIONS.contextWindow;
  }

  private async run(controller: AbortController, options: PromptOptions = {}): Promise<RunEnd> {
    // Everything the run shows goes to this task's transcript only: after New Task or opening another task,
    // a run that is still winding down cannot write into the new conversation.
    const transcript = this.transcript.scoped();
    this.progress.closeCards();
    try {
      // The system prompt (workspace layout, AGENTS.md) is gathered while the settings are read.
      const systemPrompt = this.deps.systemPrompt();
      systemPrompt.catch(() => undefined);
      const settings = await this.models.forRequest(options.fast, transcript);
      if (!settings) return (this.progress.lastEnd = 'misconfigured');
      const items = this.conversation.forRun(await systemPrompt);
      const agentRun = agentRunFor({
        deps: this.deps,
        settings,
        tools: await this.toolsForRun(controller.signal),
        transcript,
        signal: controller.signal,
        runner: this.recordingRunner,
        approver: this.approver,
        reviewer: this.reviewer,
        policy: this.policy,
        cards: this.cards,
        checkpoints: this.checkpoints,
        preReview: this.preReview,
        onUsage: (usage, used) => {
          this.usage.add(usage, settings.pricePerMillion);
          this.reportUsage(used);
        },
        // Each step is on disk when it ends: a crash loses at most the step in flight.
        onHistoryChanged: () => this.tasks.saveNow().catch((err: unknown) => console.error('Fixpoint: could not save the task', err)),
        beforeStep: () => this.progress.beforeStep(),
      });
      const end = await runAgentVerified(items, agentRun, {
        verifier: this.deps.verifier,
        writeLog: this.reviewer.writeLog,
        root: this.deps.workspace.root,
        workspace: this.deps.workspace,
        lastRun: () => this.lastRun,
      });
      if (!transcript.live()) return end; // The user moved on to another task meanwhile.
      markCheckpoint(this.parts, this.reviewer.currentTurn);
      this.progress.ended(end, agentRun.options.maxSteps);
      if (end !== 'answered' || this.usage.contextUsed === 0) this.reportUsage(historyTokens(items));
      return end;
    } finally {
      this.end(controller);
    }
  }

  private reportUsage(used: number): void {
    this.deps.post(this.usage.report(used, this.contextWindow(), this.contextShares()));
  }

  /** What the tool definitions and the repo map take of every request, once a run has started. */
  private contextShares(): ViewState['toolTokens'] {
    return this.runSpecs && { ...toolTokens(this.runSpecs), repoMap: this.deps.repoMapTokens?.() };
  }
}
