import type { CommandGate, RunResult, Runner, Verifier, VerificationTarget, Workspace } from '../core/ports';
import { resolveVerification, type TaskCandidate } from '../core/verify';
import { runProcess } from './processRunner';
import { createShadow, detectSandbox, sandboxArgvForShadow } from './sandbox';

export interface VerifySettings {
  command?: string;
  when: 'off' | 'after-accept' | 'before-review';
  maxAttempts: number;
  timeoutMs: number;
}

export interface NodeVerifierOptions {
  workspace: Workspace;
  /** Where workspace runs happen: the integrated terminal in VS Code, a child process in the CLI. */
  runner: Runner;
  settings(): VerifySettings;
  /** VS Code tasks in the test/build groups (none in the CLI). */
  tasks?(): Promise<TaskCandidate[]>;
}

/** Verification through Node: resolution, workspace runs through the Runner, isolated runs in a shadow copy. */
export class NodeVerifier implements Verifier {
  constructor(private readonly options: NodeVerifierOptions) {}

  mode(): { when: VerifySettings['when']; maxAttempts: number; timeoutMs: number } {
    const { when, maxAttempts, timeoutMs } = this.options.settings();
    return { when, maxAttempts, timeoutMs };
  }

  async resolve(signal: AbortSignal): Promise<VerificationTarget | { kind: 'none'; why: string }> {
    const resolution = await resolveVerification({
      setting: this.options.settings().command,
      tasks: (await this.options.tasks?.()) ?? [],
      workspace: this.options.workspace,
      signal,
    });
    if (resolution.kind === 'command') return { kind: 'command', command: resolution.command, why: resolution.why };
    return resolution;
  }

  async runInWorkspace(target: VerificationTarget, gate: CommandGate, signal: AbortSignal): Promise<RunResult> {
    const { timeoutMs } = this.mode();
    const allowed = this.options.runner.canRun();
    if (!allowed.ok) return notRun(allowed.reason);
    const decision = await gate.check(target, signal);
    if (!decision.ok) return notRun(decision.reason);
    if (target.kind === 'task') return this.options.runner.runTask(target.name, { timeoutMs, signal });
    const options = { cwd: this.options.workspace.root, timeoutMs, signal };
    if (decision.where === 'sandbox') {
      return (await this.options.runner.runSandboxed?.(target.command, options)) ?? notRun('the sandbox could not start');
    }
    return this.options.runner.run(target.command, options);
  }

  async runIsolated(
    target: VerificationTarget,
    files: Array<{ path: string; content: string | undefined }>,
    gate: CommandGate,
    signal: AbortSignal,
  ): Promise<RunResult & { sandboxed: boolean }> {
    if (target.kind === 'task') {
      return {
        ...notRun('VS Code tasks cannot run in the isolated copy; set "fixpoint.verify.command" to verify before review.'),
        sandboxed: false,
      };
    }
    const allowed = this.options.runner.canRun();
    if (!allowed.ok) return { ...notRun(allowed.reason), sandboxed: false };
    const decision = await gate.check(target, signal);
    if (!decision.ok) return { ...notRun(decision.reason), sandboxed: false };
    const sandbox = await detectSandbox();
    if (!sandbox.available && !(await gate.allowUnsandboxed(target.command, `no OS sandbox: ${sandbox.reason}`, signal))) {
      return { ...notRun('The user declined to run the check without a sandbox.'), sandboxed: false };
    }
    const shadow = await createShadow(this.options.workspace.root, { signal });
    try {
      await shadow.apply(files);
      const wrapper = sandbox.available
        ? sandboxArgvForShadow(shadow, this.options.workspace.root, { bwrapPath: sandbox.path })
        : undefined;
      const result = await runProcess(target.command, { cwd: shadow.path, timeoutMs: this.mode().timeoutMs, signal, wrapper });
      return { ...result, sandboxed: sandbox.available };
    } finally {
      await shadow.dispose();
    }
  }
}

function notRun(reason: string): RunResult {
  return { exitCode: undefined, output: reason, durationMs: 0, skipped: true };
}
