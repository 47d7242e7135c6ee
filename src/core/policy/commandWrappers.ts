/**
 * Programs that run another program given in their arguments (`sudo rm x`, `env A=1 rm x`, `timeout 5 rm x`,
 * `xargs rm`). The command policy looks through them, so a deny rule for `rm` or the `rm -r` danger check
 * cannot be side-stepped by putting a wrapper in front.
 */

/** For each wrapper, its options that take a separate value (so the value is not mistaken for the command). */
const WRAPPERS_WITH_ARG: Readonly<Record<string, readonly string[]>> = {
  sudo: ['-u', '-g', '-C', '-D', '-h', '-p', '-U', '-r', '-t'],
  doas: ['-u', '-C'],
  env: ['-u', '-C', '-S', '--unset', '--chdir'],
  nice: ['-n', '--adjustment'],
  ionice: ['-c', '-n', '-p'],
  timeout: ['-s', '-k', '--signal', '--kill-after'],
  // `-i`, `-l`, `-e` take an *attached* optional value, so they are not listed.
  xargs: ['-I', '-n', '-P', '-L', '-d', '-E', '-s', '-a', '--max-args', '--max-procs', '--delimiter', '--arg-file'],
  stdbuf: ['-i', '-o', '-e'],
  nohup: [],
  time: [],
  command: [],
  builtin: [],
  exec: ['-a'],
  nsenter: [],
  chroot: [],
  watch: ['-n'],
};

/** For `sudo rm x`, `env A=1 rm x`, `timeout 5 rm x`, `xargs rm`: the command the wrapper runs. */
export function wrappedCommand(program: string, args: readonly string[]): string[] | undefined {
  const takesArg = WRAPPERS_WITH_ARG[program];
  if (!takesArg) return undefined;
  let i = 0;
  while (i < args.length) {
    const a = args[i];
    if (a === '--') {
      i++;
      break;
    }
    if (program === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) i++;
    else if (a.startsWith('-')) i += takesArg.includes(a) ? 2 : 1;
    else break;
  }
  if (program === 'timeout' || program === 'chroot') i++; // the duration / the new root
  return args.slice(i);
}
