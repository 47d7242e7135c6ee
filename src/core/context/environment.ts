/** Facts about where the agent works, which every request would otherwise have to ask a tool for. */
export interface EnvironmentFacts {
  /** `process.platform` and architecture, e.g. "linux (x64)". */
  platform: string;
  /** The user's shell, by name (bash, zsh, pwsh…), when known. */
  shell?: string;
  /** The local date, YYYY-MM-DD: the day only, so the prompt stays the same (and cached) all day. */
  date: string;
  workingDirectory: string;
  /** Undefined when the folder is not a git repository (or git was not asked, e.g. in Restricted Mode). */
  git?: GitSummary;
}

export interface GitSummary {
  /** The branch name, or "detached HEAD". */
  branch: string;
  /** Tracked files with changes (staged or not). */
  changed: number;
  untracked: number;
  ahead: number;
  behind: number;
}

/** The short environment block of the system prompt. */
export function environmentBlock(facts: EnvironmentFacts): string {
  const lines = [
    `- Platform: ${facts.platform}${facts.shell ? `; shell: ${facts.shell}` : ''}`,
    `- Date: ${facts.date}`,
    `- Working directory: ${facts.workingDirectory}`,
  ];
  if (facts.git) lines.push(`- Git: ${gitLine(facts.git)}`);
  return `Environment:\n${lines.join('\n')}`;
}

function gitLine(git: GitSummary): string {
  const parts = [`branch ${git.branch}`];
  parts.push(git.changed ? `${git.changed} changed file${git.changed === 1 ? '' : 's'}` : 'no changes to tracked files');
  if (git.untracked) parts.push(`${git.untracked} untracked`);
  if (git.ahead) parts.push(`${git.ahead} commit${git.ahead === 1 ? '' : 's'} ahead of upstream`);
  if (git.behind) parts.push(`${git.behind} behind`);
  return parts.join(', ');
}

/**
 * `git status --porcelain=v1 --branch` output as a summary. The first line is `## branch...upstream [ahead
 * 1, behind 2]` (or `## HEAD (no branch)`, or `## No commits yet on main`); each other line is one path.
 */
export function parseGitStatus(output: string): GitSummary {
  const [head = '', ...paths] = output.split('\n');
  const name = head
    .replace(/^## /, '')
    .replace(/^No commits yet on /, '')
    .replace(/\.\.\..*$/, '')
    .replace(/ \[.*\]$/, '');
  const count = (re: RegExp) => Number(re.exec(head)?.[1] ?? 0);
  const entries = paths.filter((line) => line.length > 3);
  const untracked = entries.filter((line) => line.startsWith('??')).length;
  return {
    branch: name === 'HEAD (no branch)' ? 'detached HEAD' : name,
    changed: entries.length - untracked,
    untracked,
    ahead: count(/ahead (\d+)/),
    behind: count(/behind (\d+)/),
  };
}
