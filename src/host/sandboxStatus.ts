import * as vscode from 'vscode';
import { formatSandboxReport, sandboxDoctor, type SandboxReport } from '../node/sandbox';
import { approvalSettings } from './settings';

let report: Promise<SandboxReport> | undefined;

/** The sandbox doctor's report, run once per window (it starts a test sandbox). */
export function sandboxReport(): Promise<SandboxReport> {
  report ??= sandboxDoctor();
  return report;
}

/**
 * At start-up, when commands are set to run in the sandbox: if the sandbox does not work here, say so once,
 * with the reason and the fix (commands then ask instead: nothing runs unsandboxed without the user).
 */
export async function warnWhenSandboxMissing(output: vscode.OutputChannel): Promise<void> {
  if (approvalSettings().commands !== 'sandbox') return;
  const result = await sandboxReport();
  if (result.ok) return;
  output.appendLine(`Sandbox check:\n${formatSandboxReport(result)}`);
  const choice = await vscode.window.showWarningMessage(`Fixpoint: ${result.summary}`, 'Show Details');
  if (choice === 'Show Details') output.show(true);
}
