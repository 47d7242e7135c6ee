/** The CLI's help text, shown by --help and on bad usage. */
export const USAGE = `Usage:
  fixpoint exec "<task>" [options]     run the agent on a task in a folder (recorded for tasks/resume)
  fixpoint tasks [--json]              this folder's tasks: id, status, age, cost, title
  fixpoint tasks show <id>             one task: its status, usage and ledger (goal, plan, decisions, checks)
  fixpoint tasks apply <id> [--yes]    bring a worktree task's change into this folder, reviewed per file
  fixpoint tasks unapply <id>          undo that apply (files you changed since are left as they are)
  fixpoint tasks keep <id>             commit a worktree task's change on its branch (message from its ledger)
  fixpoint tasks discard <id>          remove a worktree task's worktree and branch
  fixpoint resume <id> [options]       continue an interrupted or paused task from its last recorded step
  fixpoint apply-patch [--cwd DIR]     apply one apply_patch text from stdin with the same engine
  fixpoint doctor                      whether the sandbox works here, and the fix when it does not
  fixpoint --help        (also: fixpoint exec --help, fixpoint apply-patch --help)

The same core as the VS Code extension. Proposed edits are printed as unified diffs and written only when you
accept them; commands ask before they run. Endpoint and key: OPENAI_BASE_URL / OPENAI_API_KEY.

exec options:
  --cwd <dir>            workspace folder (default: the current folder)
  --model <name>         model (default FIXPOINT_MODEL or gpt-5)
  --fast                 the fast model (FIXPOINT_FAST_MODEL, default gpt-5-mini) for a quick ask
  --base-url <url>       OpenAI-compatible endpoint (default OPENAI_BASE_URL, else OpenAI)
  --wire <chat|responses>  wire format (default chat)
  --yes                  approve edits and commands without asking; the command policy still applies, and
                         dangerous commands (rm -rf, curl | sh, sudo…) are still refused
  --allow <prefix>       run commands starting with this prefix without asking (repeatable)
  --edits <how>          review (default) or auto-apply-verified (edits verified before review apply by themselves)
  --commands <how>       ask (default) or sandbox (commands run unasked inside the sandbox; findings still ask)
  --approval <preset>    review, auto-edit (= --edits auto-apply-verified) or full-auto (= both)
  --verify <when>        after-accept (default), before-review (isolated, sandboxed copy) or off
  --verify-command <cmd> the check to run (default: detected, e.g. the package.json test script)
  --max-steps <n>        most model turns in one go (default 50); then the task pauses, resumable
  --budget-steps <n>     the task's budget of model requests in all (also --budget-minutes, --budget-cost
                         in USD); when one runs out the task pauses and "fixpoint resume <id>" grants more
  --mcp-config <file>    MCP servers for the agent (VS Code's mcp.json format; \${input:id} from
                         FIXPOINT_MCP_INPUT_<ID>); their tools ask before they run, like commands
  --worktree             run the task in a git worktree of its own, on a new branch fixpoint/<short-title>
                         from HEAD plus your uncommitted changes; your folder is not touched (see tasks apply)
  --show-reasoning       print the model's reasoning (dimmed, on stderr, apart from the answer) even when
                         stderr is not a terminal; on a terminal it is always shown

Code intelligence (find_symbol, go_to_definition, find_references, type_info, document_outline) answers from
tree-sitter and ripgrep here, labelled approximate (no language servers; rename_symbol needs the extension).
A repo map of up to FIXPOINT_REPO_MAP_TOKENS tokens (default 2048, 0 = none) goes with each request.

Without a terminal to ask and without --yes, nothing is approved, and Fixpoint says so.
Tasks are kept per folder in ~/.local/state/fixpoint/tasks/ (XDG_STATE_HOME): each step is on disk when it
ends, so a task cut off (Ctrl+C, a crash, kill -9) resumes from its last step and no tool runs twice.
resume takes the same options as exec.
Exit codes: 0 the task ended normally, 1 it failed, was stopped or paused, 2 bad usage.`;

export const TASKS_USAGE = `Usage: fixpoint tasks [list] [--json] [--cwd DIR]
       fixpoint tasks show <id> [--json] [--cwd DIR]
       fixpoint tasks apply|keep|discard <id> [--yes] [--cwd DIR]
       fixpoint tasks unapply <id> [--cwd DIR]

Lists the folder's tasks (the CLI's; most recent first) or shows one with its ledger. For a task run with
exec --worktree: apply brings its whole change into this folder as proposals, rebased onto your edits since
(overlapping hunks keep your lines, with the task's version between conflict markers), asked per file
(--yes accepts all but conflicting or protected files), and unapply undoes that (files you changed since are
left as they are); keep commits it on its branch and removes the
worktree; discard removes the worktree and the branch.`;

export const APPLY_PATCH_USAGE = `Usage: fixpoint apply-patch [--cwd DIR] < patch.txt

Applies one apply_patch text (*** Begin Patch … *** End Patch) from stdin to the folder (default: the current
one) with the same engine as the agent: every file or none. Prints A/M/D per file; exit 0 applied, 1 refused
(with the reason), 2 bad usage.`;
