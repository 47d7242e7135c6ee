import type { ApprovalDecision, FixAction, HistoryItem, ViewState } from '../../shared/protocol';
import { checkSettings, endpointLabel } from '../model/errors';
import type { ChatItem, ModelSettings } from '../model/types';
import type { Runner } from '../ports';
import { repairSnapshot, restoredNotice } from './persistence';
import type { TaskRecord } from './taskHistory';
import { TaskStore } from './taskStore';
import { describeOutcome } from '../tools/applyPatch';
import { expandMentions } from '../context/mentions';
import { ProposalReviewer } from '../review/reviewer';
import { Checkpoints, describeRestore } from '../review/checkpoints';
import { ALL_TOOLS, ToolRegistry } from '../tools/registry';
import { ChatApprover } from './approvals';
import { SessionPolicy } from './sessionPolicy';
import { UsageMeter } from './usageMeter';
import { toolTokens } from './toolTokens';
import { RunController } from './runController';
import { TaskCards } from './taskCards';
import { DEFAULT_AGENT_OPTIONS, type AgentEnd, type AgentRun } from './loop';
import { compactOnRequest } from './compaction';
import { commandGate, PreReviewVerifier, runAgentVerified } from './verification';
import { recordingRunner, type LastRun } from './recordingRunner';
import { historyTokens } from './tokens';
import { Transcript } from './transcript';
import type { PromptOptions, SessionDeps } from './sessionDeps';

export type { PromptOptions, SessionDeps } from './sessionDeps';

/**
 * One task's conversation: the user's prompts, the agent's steps, and the state the webview renders.
 * Only one run at a time; `cancel()` stops the request, the running tool and any pending question at once.
 */
export class ChatSession {
  private readonly transcript: Transcript;
  readonly approver: ChatApprover;
  readonly reviewer: ProposalReviewer;
  private readonly tools: ToolRegistry;
  private history: ChatItem[] = [];
  private readonly runs = new RunController();
  private lastPrompt: string | undefined;
  private lastOptions: PromptOptions = {};
  private readonly usage = new UsageMeter();
  /** The tools offered in the latest run, for the meter's share of tool definitions (toolTokens.ts). */
  private runSpecs: ReturnType<ToolRegistry['specs']> | undefined;
  /** The task's ledger (goal, plan, decisions, files, checks) and its cards in the chat. */
  private readonly cards: TaskCards;
  private model = '';
  private configuredModel = '';
  private endpoint = '';
  /** The history the running loop works on (with the system prompt), persisted while a task runs. */
  private liveItems: ChatItem[] | undefined;
  private readonly tasks: TaskStore;
  private lastEnd: TaskRecord['outcome'] = 'answered';
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

  constructor(private readonly deps: SessionDeps) {
    this.tools = new ToolRegistry(deps);
    this.policy = new SessionPolicy(deps);
    this.tasks = new TaskStore(deps.store, {
      entries: () => this.transcript.all(),
      history: () => (this.liveItems ? this.liveItems.slice(1) : this.history),
      proposals: () => this.reviewer.persisted(),
      lastPrompt: () => this.lastPrompt,
      filesWritten: () => this.reviewer.writeLog.map((w) => w.path),
      outcome: () => (this.runs.active ? 'in progress' : this.lastEnd),
      audit: () => this.policy.audit.entries(),
      checkpoints: () => this.checkpoints?.persisted(),
      ledger: () => this.cards.ledger.persisted(),
    });
    const snapshots = deps.snapshots;
    this.checkpoints =
      snapshots && new Checkpoints(snapshots.store, deps.writer, { group: () => this.tasks.task.id, maxBytes: () => snapshots.maxBytes() });
    this.transcript = new Transcript((msg) => {
      deps.post(msg);
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
      model: this.model,
      endpoint: this.endpoint,
      contextWindow: this.contextWindow(),
      contextWindowSource: this.deps.contextWindowSource?.(),
      contextUsed: this.usage.contextUsed,
      inputTokens: this.usage.input,
      outputTokens: this.usage.output,
      cost: this.usage.cost,
      toolTokens: this.runSpecs && toolTokens(this.runSpecs),
    });
  }

  async refreshSettings(): Promise<void> {
    const settings = await this.deps.resolveSettings();
    this.policy.apiKey = settings.apiKey;
    this.model = settings.model;
    this.endpoint = endpointLabel(settings);
    this.deps.post({ type: 'state', state: this.snapshot() });
  }

  async prompt(text: string, options: PromptOptions = {}): Promise<AgentEnd | 'busy' | 'misconfigured'> {
    if (text.trim() === '/compact') return this.compact();
    if (this.runs.active) {
      this.transcript.put({
        kind: 'notice',
        id: this.transcript.newId('notice'),
        text: 'Still working on the previous request: stop it first.',
      });
      return 'busy';
    }
    // Busy from here on: a second prompt while the context is gathered must not start a second run.
    const controller = this.begin();
    this.lastPrompt = text;
    this.cards.ledger.setGoal(text);
    this.lastOptions = options;
    this.preReview?.reset();
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
      this.history.push({ role: 'user', content: context ? `${text}\n\n<context>\n${context}\n</context>` : text });
    } catch (err) {
      this.end(controller);
      throw err;
    }
    return this.run(controller);
  }

  /** `/compact`: summarise the older part of the conversation now (the user's choice of when). */
  async compact(): Promise<'answered' | 'busy' | 'misconfigured'> {
    if (this.runs.active) {
      this.notice('Still working on the previous request: stop it first, then /compact.');
      return 'busy';
    }
    const controller = this.begin();
    const settings = await this.usableSettings(false);
    if (!settings) {
      this.end(controller);
      return 'misconfigured';
    }
    try {
      const compacted = await compactOnRequest(this.history, {
        systemPrompt: await this.deps.systemPrompt(),
        window: this.contextWindow(),
        client: this.deps.createClient(settings),
        transcript: this.transcript,
        signal: controller.signal,
      });
      this.history = compacted.history;
      if (compacted.tokens !== undefined) this.reportUsage(compacted.tokens);
      return 'answered';
    } finally {
      this.end(controller);
    }
  }

  /** The settings for a request (the fast model if asked), or undefined after showing what to fix. */
  private async usableSettings(fast: boolean | undefined): Promise<ModelSettings | undefined> {
    const configured = await this.deps.resolveSettings();
    const settings = fast && configured.fastModel ? { ...configured, model: configured.fastModel } : configured;
    this.configuredModel = configured.model;
    this.model = settings.model;
    this.endpoint = endpointLabel(settings);
    this.deps.post({ type: 'busy', busy: true, model: this.model });
    const problem = checkSettings(settings);
    if (!problem) return settings;
    this.transcript.put({
      kind: 'error',
      id: this.transcript.newId('error'),
      message: problem.message,
      fix: problem.fix,
      action: problem.action,
    });
    return undefined;
  }

  private notice(text: string): void {
    this.transcript.put({ kind: 'notice', id: this.transcript.newId('notice'), text });
  }

  /** Shows a failure of a user action (from the chat) as an error card: a message, never a stack trace. */
  reportError(err: unknown): void {
    this.transcript.put({ kind: 'error', id: this.transcript.newId('error'), message: err instanceof Error ? err.message : String(err) });
  }

  /** Marks the session busy; every run or compaction goes through begin/end, so whenIdle() always settles. */
  private begin(): AbortController {
    const controller = this.runs.begin();
    this.deps.post({ type: 'busy', busy: true });
    return controller;
  }

  private end(controller: AbortController): void {
    if (!this.runs.end(controller)) return;
    this.liveItems = undefined;
    this.transcript.finishStreaming();
    // A fast-mode or quick-fix run is over: the header shows the configured model again.
    if (this.configuredModel) this.model = this.configuredModel;
    this.deps.post({ type: 'busy', busy: false, model: this.model || undefined });
  }

  /** Re-sends the conversation after a failure, without adding the prompt again. */
  async retry(): Promise<void> {
    if (this.runs.active || this.lastPrompt === undefined) return;
    await this.run(this.begin());
  }

  cancel(): void {
    this.runs.cancel();
  }

  newTask(): void {
    this.cancel();
    const active = this.runs.active;
    if (active) this.end(active);
    this.tasks.startNew(this.transcript.newId('task'));
    this.reviewer.abandonAll('The user started a new task.');
    this.history = [];
    this.lastPrompt = undefined;
    this.usage.reset();
    this.policy.newTask();
    this.cards.clear();
    this.checkpoints?.reset();
    this.transcript.clear();
    this.deps.post({ type: 'state', state: this.snapshot() });
    this.tasks.scheduleSave();
  }

  /** Writes the conversation now (also called on shutdown). */
  save(): Promise<void> {
    return this.tasks.save();
  }

  /**
   * Opens a saved task (the most recent one when `id` is absent, as after a reload or crash): dangling tool
   * calls are answered "interrupted", pending proposals come back for review (nothing is applied), and the
   * user can go on.
   */
  async restore(id?: string): Promise<boolean> {
    const found = await this.tasks.find(id);
    if (!found) return false;
    const { record, snapshot: raw } = found;
    if (this.runs.active || this.transcript.all().length) {
      await this.save();
      this.newTask();
    }
    const snapshot = repairSnapshot(raw);
    this.tasks.task = { ...record };
    this.history = snapshot.history;
    this.lastPrompt = snapshot.lastPrompt;
    this.policy.audit.restore(snapshot.audit);
    this.cards.restore(snapshot.ledger, snapshot.entries);
    this.checkpoints?.load(snapshot.checkpoints);
    this.transcript.load(snapshot.entries);
    const userIds = snapshot.entries.filter((e) => e.kind === 'user').map((e) => e.id);
    this.reviewer.currentTurn = userIds.at(-1) ?? '';
    for (const proposal of snapshot.proposals) {
      this.reviewer.restore(proposal, (outcome) => {
        this.history.push({
          role: 'user',
          content: `[A proposal restored after a reload was reviewed by the user:\n${describeOutcome(outcome)}]`,
        });
        this.tasks.scheduleSave();
      });
    }
    const notice = restoredNotice(raw, snapshot);
    if (notice) this.notice(notice);
    this.deps.post({ type: 'state', state: this.snapshot() });
    return true;
  }

  historyItems(): Promise<HistoryItem[]> {
    return this.tasks.items();
  }

  renameTask(id: string, title: string): Promise<void> {
    return this.tasks.rename(id, title);
  }

  async deleteTask(id: string): Promise<void> {
    if (id === this.tasks.task.id) this.newTask();
    await this.tasks.remove(id);
    await this.checkpoints?.forget(id);
  }

  exportTask(id: string): Promise<string | undefined> {
    return this.tasks.exportMarkdown(id);
  }

  /**
   * VS Code is closing: write the current state (pending proposals included) and stop, without turning the
   * abort into rejections, so everything comes back for review on the next start.
   */
  async shutdown(): Promise<void> {
    await this.tasks.freeze();
    this.cancel();
  }

  async fix(action: FixAction): Promise<void> {
    if (action === 'retry') await this.retry();
  }

  approve(id: string, decision: ApprovalDecision): void {
    this.approver.decide(id, decision);
  }

  review(id: string, path: string | undefined, accept: boolean): void {
    this.reviewer.decideFile(id, path, accept);
  }

  /** Restores the workspace to the checkpoint of user entry `turnId` (or undoes that restore). */
  async checkpoint(turnId: string, action: 'restore' | 'undo'): Promise<void> {
    if (!this.checkpoints) return;
    if (this.runs.active) return this.notice('Stop the task first, then restore the checkpoint.');
    const report = action === 'restore' ? await this.checkpoints.restore(turnId) : await this.checkpoints.undoRestore(turnId);
    const { notice, forModel } = describeRestore(report, action);
    this.notice(notice);
    this.markCheckpoint(turnId);
    if (forModel) this.history.push({ role: 'user', content: forModel });
  }

  private markCheckpoint(turnId: string): void {
    const entry = this.transcript.all().find((e) => e.id === turnId);
    const checkpoint = this.checkpoints?.status(turnId);
    if (entry?.kind === 'user' && entry.checkpoint !== checkpoint) this.transcript.put({ ...entry, checkpoint });
  }

  private contextWindow(): number {
    return this.deps.agentOptions().contextWindow ?? DEFAULT_AGENT_OPTIONS.contextWindow;
  }

  private async run(controller: AbortController): Promise<AgentEnd | 'misconfigured'> {
    // Everything the run shows goes to this task's transcript only: after New Task or opening another task,
    // a run that is still winding down cannot write into the new conversation.
    const transcript = this.transcript.scoped();
    try {
      // The system prompt (workspace layout, AGENTS.md) is gathered while the settings are read.
      const systemPrompt = this.deps.systemPrompt();
      systemPrompt.catch(() => undefined);
      const settings = await this.usableSettings(this.lastOptions.fast);
      if (!settings) return 'misconfigured';
      const system: ChatItem = { role: 'system', content: await systemPrompt };
      const items = [system, ...this.history];
      this.liveItems = items;
      const turnId = this.reviewer.currentTurn;
      const checkpoints = this.checkpoints;
      const agentRun: AgentRun = {
        client: this.deps.createClient(settings),
        settings,
        tools: await this.toolsForRun(controller.signal),
        transcript,
        options: { ...DEFAULT_AGENT_OPTIONS, ...this.deps.agentOptions() },
        signal: controller.signal,
        onUsage: (usage, used) => {
          this.usage.add(usage, settings.pricePerMillion);
          this.reportUsage(used);
        },
        onHistoryChanged: () => this.tasks.scheduleSave(),
        ledger: () => this.cards.ledger.render(),
        toolContext: {
          workspace: this.deps.workspace,
          runner: this.recordingRunner,
          approver: this.approver,
          reviewer: this.reviewer,
          policy: this.policy.engine,
          grant: (rule, scope) => this.policy.grants.grant(rule, scope),
          audit: this.policy.audit,
          ledger: this.cards.ledger,
          updatePlan: (steps) => this.cards.showPlan(steps),
          codeIntelligence: this.deps.codeIntelligence,
          recordChange: checkpoints && ((change) => checkpoints.recordChange(turnId, change)),
        },
      };
      const preReview = this.preReview;
      if (preReview) {
        const gate = commandGate(agentRun.toolContext, this.deps.workspace.root);
        agentRun.toolContext.verifyProposal = (change, signal) => preReview.check(change, gate, signal);
      }
      const end = await runAgentVerified(items, agentRun, {
        verifier: this.deps.verifier,
        writeLog: this.reviewer.writeLog,
        root: this.deps.workspace.root,
        workspace: this.deps.workspace,
        lastRun: () => this.lastRun,
      });
      if (!transcript.live()) return end; // The user moved on to another task meanwhile.
      this.lastEnd = end === 'answered' ? 'answered' : end === 'stopped' ? 'stopped' : 'failed';
      // The loop may have compacted the history; keep its version (without the system prompt).
      this.history = items.slice(1);
      this.markCheckpoint(this.reviewer.currentTurn);
      if (end !== 'answered' || this.usage.contextUsed === 0) this.reportUsage(historyTokens(items));
      return end;
    } finally {
      this.end(controller);
    }
  }

  private reportUsage(used: number): void {
    this.usage.contextUsed = used;
    const { input, output, cost } = this.usage;
    this.deps.post({
      type: 'usage',
      contextUsed: used,
      contextWindow: this.contextWindow(),
      inputTokens: input,
      outputTokens: output,
      cost,
      tools: this.runSpecs && toolTokens(this.runSpecs),
    });
  }
}
