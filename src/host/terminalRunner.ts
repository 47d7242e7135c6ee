import * as vscode from 'vscode';
import type { RunResult, Runner } from '../core/ports';
import { gitEnv, isSecretEnvName } from '../core/policy';
import { runProcess } from '../node/processRunner';
import { runInSandbox } from '../node/sandboxedRun';
import { detectSandbox } from '../node/sandbox';

/** How long to wait for shell integration before falling back to a pseudoterminal we drive ourselves. */
const SHELL_INTEGRATION_WAIT_MS = 5000;

/**
 * Runs the agent's commands where the user can watch them: VS Code's integrated terminal with shell
 * integration (exit code and output captured), or — when shell integration does not come up — a pseudoterminal
 * that runs the process itself and mirrors its output. Never "no output".
 */
export class TerminalRunner implements Runner, vscode.Disposable {
  private terminal: vscode.Terminal | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly root: string,
    /** A background task's runner has its own terminal, named after the task, and never takes the panel. */
    private readonly terminalOptions: { name: string; reveal: boolean } = { name: 'Fixpoint', reveal: true },
  ) {
    this.subscriptions.push(vscode.window.onDidCloseTerminal((t) => t === this.terminal && (this.terminal = undefined)));
  }

  dispose(): void {
    this.terminal?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }

  canRun(): { ok: true } | { ok: false; reason: string } {
    if (!vscode.workspace.isTrusted) {
      return { ok: false, reason: 'this workspace is in Restricted Mode. Trust the workspace to let Fixpoint run commands and tasks.' };
    }
    return { ok: true };
  }

  async run(command: string, options: { cwd: string; timeoutMs: number; signal: AbortSignal }): Promise<RunResult> {
    if (options.signal.aborted) return { exitCode: undefined, output: 'Stopped before it started.', durationMs: 0, cancelled: true };
    const terminal = this.terminal ?? this.createTerminal();
    this.terminal = terminal;
    if (this.terminalOptions.reveal) terminal.show(true);
    const integration = terminal.shellIntegration ?? (await waitForShellIntegration(terminal, SHELL_INTEGRATION_WAIT_MS));
    if (!integration) {
      // This terminal will never report exit codes; use a pseudoterminal from now on.
      terminal.dispose();
      this.terminal = undefined;
      return this.runInPseudoterminal(command, options);
    }
    return runWithShellIntegration(terminal, integration, command, options, () => {
      terminal.dispose();
      if (this.terminal === terminal) this.terminal = undefined;
    });
  }

  async runTask(name: string, options: { timeoutMs: number; signal: AbortSignal }): Promise<RunResult> {
    const tasks = await vscode.tasks.fetchTasks();
    const task = tasks.find((t) => t.name === name) ?? tasks.find((t) => `${t.source}: ${t.name}` === name);
    if (!task) {
      const names = tasks.map((t) => (t.source === 'Workspace' ? t.name : `${t.source}: ${t.name}`));
      return {
        exitCode: undefined,
        durationMs: 0,
        output: `No task named "${name}". Available: ${names.slice(0, 50).join(', ') || '(none)'}`,
      };
    }
    // VS Code saves every dirty editor before it runs a task (`task.saveBeforeRun`, default "always"): running
    // one now would save the user's unsaved buffers behind their back (SAFETY §8). Say why instead.
    const unsaved = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file');
    if (unsaved.length && vscode.workspace.getConfiguration('task').get<string>('saveBeforeRun', 'always') !== 'never') {
      const names = unsaved
        .map((d) => vscode.workspace.asRelativePath(d.uri))
        .slice(0, 5)
        .join(', ');
      return {
        exitCode: undefined,
        durationMs: 0,
        skipped: true,
        output: `Task "${task.name}" was not run: VS Code would first save the unsaved editors (${names}), and Fixpoint never saves the user's buffers for them. Ask the user to save or revert them, then run it again.`,
      };
    }
    const started = Date.now();
    let output = '';
    const capture = vscode.window.onDidStartTerminalShellExecution(async (e) => {
      if (!e.terminal.name.includes(task.name)) return;
      for await (const chunk of e.execution.read()) output += chunk;
    });
    try {
      const execution = await vscode.tasks.executeTask(task);
      const exitCode = await new Promise<number | undefined>((resolve) => {
        const timer = setTimeout(() => finish(undefined), options.timeoutMs);
        const ended = vscode.tasks.onDidEndTaskProcess((e) => e.execution === execution && finish(e.exitCode));
        const abort = () => finish(undefined);
        options.signal.addEventListener('abort', abort, { once: true });
        function finish(code: number | undefined) {
          clearTimeout(timer);
          ended.dispose();
          options.signal.removeEventListener('abort', abort);
          if (code === undefined) execution.terminate();
          resolve(code);
        }
      });
      return {
        exitCode,
        output: output || '(the task printed no output that could be captured; see its terminal)',
        durationMs: Date.now() - started,
        cancelled: options.signal.aborted,
        timedOut: exitCode === undefined && !options.signal.aborted,
      };
    } finally {
      capture.dispose();
    }
  }

  private createTerminal(): vscode.Terminal {
    // Secrets are removed from the environment of everything the agent runs (null deletes a variable), and
    // every git it runs gets the safe overrides (no fsmonitor, hooks, pager…: a repository's config is untrusted).
    const env: Record<string, string | null> = {};
    for (const name of Object.keys(process.env)) if (isSecretEnvName(name)) env[name] = null;
    for (const [name, value] of Object.entries(gitEnv(process.env))) if (name.startsWith('GIT_')) env[name] = value;
    return vscode.window.createTerminal({
      name: this.terminalOptions.name,
      cwd: this.root,
      env,
      shellPath: process.platform === 'win32' ? undefined : '/bin/bash',
      isTransient: true,
      iconPath: new vscode.ThemeIcon('tools'),
    });
  }

  async sandboxAvailable(): Promise<boolean> {
    return (await detectSandbox()).available;
  }

  /** Full-auto commands: in the sandbox, mirrored into a terminal so the user still sees them run. */
  async runSandboxed(command: string, options: { cwd: string; timeoutMs: number; signal: AbortSignal }): Promise<RunResult | undefined> {
    if (!this.canRun().ok || !(await detectSandbox()).available) return undefined;
    return this.runInPseudoterminal(
      command,
      options,
      (onOutput) => runInSandbox(this.root, command, { ...options, onOutput }, sandboxHiddenPaths()),
      'Fixpoint (sandbox)',
    );
  }

  private async runInPseudoterminal(
    command: string,
    options: { cwd: string; timeoutMs: number; signal: AbortSignal },
    start: (onOutput: (text: string) => void) => Promise<RunResult | undefined> = (onOutput) =>
      runProcess(command, { ...options, onOutput }),
    name = 'Fixpoint (process)',
  ): Promise<RunResult> {
    const write = new vscode.EventEmitter<string>();
    const pty: vscode.Pseudoterminal = { onDidWrite: write.event, open: () => undefined, close: () => undefined };
    const terminal = vscode.window.createTerminal({ name, pty, isTransient: true });
    if (this.terminalOptions.reveal) terminal.show(true);
    write.fire(`\x1b[2m$ ${command}\x1b[0m\r\n`);
    const result = (await start((text) => write.fire(text.replace(/\r?\n/g, '\r\n')))) ?? {
      exitCode: undefined,
      output: 'The sandbox is not available.',
      durationMs: 0,
      skipped: true,
    };
    write.fire(`\r\n\x1b[2m[exit code ${result.exitCode ?? 'unknown'}]\x1b[0m\r\n`);
    write.dispose();
    return result;
  }
}

function waitForShellIntegration(terminal: vscode.Terminal, timeoutMs: number): Promise<vscode.TerminalShellIntegration | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(terminal.shellIntegration);
    }, timeoutMs);
    const listener = vscode.window.onDidChangeTerminalShellIntegration((e) => {
      if (e.terminal !== terminal) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(e.shellIntegration);
    });
  });
}

async function runWithShellIntegration(
  terminal: vscode.Terminal,
  integration: vscode.TerminalShellIntegration,
  command: string,
  options: { cwd: string; timeoutMs: number; signal: AbortSignal },
  killTerminal: () => void,
): Promise<RunResult> {
  const started = Date.now();
  const cd = integration.cwd?.fsPath === options.cwd ? '' : `cd ${shellQuote(options.cwd)} && `;
  let output = '';
  let timedOut = false;
  let cancelled = false;
  const exitCode = await new Promise<number | undefined>((resolve) => {
    const execution = integration.executeCommand(`${cd}${command}`);
    const reading = (async () => {
      for await (const chunk of execution.read()) output += chunk;
    })();
    const ended = vscode.window.onDidEndTerminalShellExecution(async (e) => {
      if (e.execution !== execution) return;
      await reading;
      finish(e.exitCode);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    // Ctrl+C first; if the command ignores it, closing the terminal kills the shell and its process group.
    function stop() {
      // The terminal may be gone already (closed by the user, or killed by an earlier Stop).
      if (terminal.exitStatus === undefined) {
        try {
          terminal.sendText('\x03', false);
        } catch {
          // Disposed between the check and the call: the close below still ends the run.
        }
      }
      setTimeout(() => {
        if (done) return; // Ctrl+C was enough; the terminal may already run the next command.
        killTerminal();
        finish(undefined);
      }, 1500);
    }
    let done = false;
    function finish(code: number | undefined) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ended.dispose();
      options.signal.removeEventListener('abort', onAbort);
      resolve(code);
    }
  });
  return { exitCode, output, durationMs: Date.now() - started, timedOut, cancelled };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `fixpoint.sandbox.hiddenPaths` from user settings: more host paths the sandbox replaces with empty ones. */
function sandboxHiddenPaths(): string[] {
  const value = vscode.workspace.getConfiguration('fixpoint.sandbox').inspect<string[]>('hiddenPaths')?.globalValue;
  return Array.isArray(value) ? value.filter((p) => typeof p === 'string' && p.trim() !== '') : [];
}
