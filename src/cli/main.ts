import { runApplyPatch } from './applyPatch';
import { runExec, runResume } from './exec';
import { runTasks } from './tasks';
import { sandboxDoctor, formatSandboxReport } from '../node/sandbox';
import { USAGE } from './usage';

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'exec':
      return runExec(rest);
    case 'resume':
      return runResume(rest);
    case 'tasks':
      return runTasks(rest);
    case 'apply-patch':
      return runApplyPatch(rest);
    case 'doctor': {
      const report = await sandboxDoctor();
      process.stdout.write(`${formatSandboxReport(report)}\n`);
      return report.ok ? 0 : 1;
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
      return 2;
  }
}

if (require.main === module) {
  // If the task somehow never settles, the process must not look successful.
  process.exitCode = 1;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`fixpoint: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
