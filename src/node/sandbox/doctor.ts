/**
 * The sandbox doctor (issue 14): whether commands can run in the sandbox here, and if not, why and the
 * concrete fix. Shown at start-up when commands are set to run in the sandbox, in the setup card, and by
 * `fixpoint doctor`. Each check reads the machine (kernel settings, the probe), never assumes.
 */
import { promises as fs } from 'node:fs';
import { detectSandbox } from './bubblewrap';
import { defaultShadowBase } from './shadowStore';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do about it, when not ok. */
  fix?: string;
}

export interface SandboxReport {
  /** The sandbox works: commands set to `sandbox` run there, and verify-before-review is isolated. */
  ok: boolean;
  checks: DoctorCheck[];
  /** One sentence: what this means for the user. */
  summary: string;
}

async function readNumber(file: string): Promise<number | undefined> {
  try {
    const value = Number.parseInt((await fs.readFile(file, 'utf8')).trim(), 10);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `bwrapPath`: a specific binary to check instead of the one on PATH. */
export async function sandboxDoctor(options: { bwrapPath?: string } = {}): Promise<SandboxReport> {
  if (process.platform !== 'linux') {
    const detail = `the sandbox uses Linux namespaces (bubblewrap); this is ${process.platform}`;
    return {
      ok: false,
      checks: [
        { name: 'platform', ok: false, detail, fix: 'Run Fixpoint on Linux (or in WSL 2 / a Linux container) for sandboxed commands.' },
      ],
      summary: `No sandbox here: ${detail}, so every command that is not read-only asks.`,
    };
  }
  const checks: DoctorCheck[] = [];
  const probe = await detectSandbox({ bwrapPath: options.bwrapPath });
  const installed = probe.available || !/not installed/.test(probe.reason);
  checks.push({
    name: 'bubblewrap installed',
    ok: installed,
    detail: installed ? (probe.available ? `bwrap ${probe.version} at ${probe.path}` : 'bwrap is on PATH') : 'bwrap is not on PATH',
    fix: installed ? undefined : 'Install it: sudo apt install bubblewrap (Debian/Ubuntu), sudo dnf install bubblewrap (Fedora).',
  });
  const cloneAllowed = await readNumber('/proc/sys/kernel/unprivileged_userns_clone');
  const maxNamespaces = await readNumber('/proc/sys/user/max_user_namespaces');
  const userns = cloneAllowed !== 0 && maxNamespaces !== 0;
  checks.push({
    name: 'unprivileged user namespaces',
    ok: userns,
    detail: userns ? 'allowed by the kernel' : cloneAllowed === 0 ? 'kernel.unprivileged_userns_clone = 0' : 'user.max_user_namespaces = 0',
    fix: userns
      ? undefined
      : cloneAllowed === 0
        ? 'sudo sysctl -w kernel.unprivileged_userns_clone=1 (and add it to /etc/sysctl.d/ to keep it)'
        : 'sudo sysctl -w user.max_user_namespaces=15000',
  });
  const apparmor = await readNumber('/proc/sys/kernel/apparmor_restrict_unprivileged_userns');
  if (apparmor !== undefined) {
    checks.push({
      name: "AppArmor's user-namespace restriction",
      ok: apparmor === 0 || probe.available,
      detail:
        apparmor === 0 ? 'off' : probe.available ? 'on, but bwrap is allowed (it has an AppArmor profile)' : 'on (Ubuntu 23.10 and later)',
      fix:
        apparmor === 0 || probe.available
          ? undefined
          : 'Allow bwrap: install the "bwrap" AppArmor profile (Ubuntu ships /etc/apparmor.d/bwrap-userns-restrict with apparmor-profiles), or sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0',
    });
  }
  checks.push({
    name: 'a sandbox starts',
    ok: probe.available,
    detail: probe.available ? 'a test command ran inside, with the network off' : probe.reason,
    fix: probe.available ? undefined : checks.find((c) => !c.ok)?.fix,
  });
  checks.push({
    name: 'shared memory for shadow copies',
    ok: true, // Shadows fall back to the disk: this only tells where they live.
    detail: defaultShadowBase().startsWith('/dev/shm/')
      ? 'shadow copies live in memory (/dev/shm has at least 1 GB free)'
      : '/dev/shm is small or missing: shadow copies live in the temp folder on disk (slower, still isolated)',
  });
  return {
    ok: probe.available,
    checks,
    summary: probe.available
      ? 'The sandbox works: commands set to run in the sandbox run there, with the network off.'
      : `No sandbox here (${(checks.find((c) => !c.ok)?.detail ?? probe.reason).trim()}), so commands set to run in the sandbox ask instead, and verify-before-review asks before running unsandboxed.`,
  };
}

/** The report as plain text (the CLI, the output channel). */
export function formatSandboxReport(report: SandboxReport): string {
  const lines = report.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ''}`);
  return [...lines, '', report.summary].join('\n');
}
