import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { ChatSession } from '../core/agent/session';
import { systemPrompt } from '../core/agent/prompts';
import { OpenAIModelClient } from '../core/model/openaiClient';
import type { ModelSettings } from '../core/model/types';
import type { HostToWebview } from '../shared/protocol';

const USAGE = `Usage: fixpoint [options] <prompt…>

Asks the Fixpoint agent from the terminal, with the same core as the VS Code extension.

Options:
  --fast               use the fast model (FIXPOINT_FAST_MODEL, default gpt-5-mini) for a quick ask
  --model <name>       model to use (default FIXPOINT_MODEL or gpt-5)
  --base-url <url>     OpenAI-compatible endpoint (default OPENAI_BASE_URL, else OpenAI)
  --wire <chat|responses>  wire format (default chat)
  -h, --help           show this help

The API key is read from OPENAI_API_KEY.`;

/** Renders the session's protocol messages as plain terminal output. */
function terminalRenderer(out: NodeJS.WritableStream, err: NodeJS.WritableStream): (msg: HostToWebview) => void {
  return (msg) => {
    switch (msg.type) {
      case 'delta':
        out.write(msg.text);
        break;
      case 'entry':
        if (msg.entry.kind === 'error') err.write(`\nerror: ${msg.entry.message}${msg.entry.fix ? `\n  fix: ${msg.entry.fix}` : ''}\n`);
        else if (msg.entry.kind === 'notice') err.write(`\n${msg.entry.text}\n`);
        else if (msg.entry.kind === 'assistant' && !msg.entry.streaming) out.write('\n');
        break;
      default:
        break;
    }
  };
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        fast: { type: 'boolean' },
        model: { type: 'string' },
        'base-url': { type: 'string' },
        wire: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (values.wire && values.wire !== 'chat' && values.wire !== 'responses') {
    process.stderr.write(`--wire must be "chat" or "responses", not "${values.wire}"\n`);
    return 2;
  }
  const env = process.env;
  const settings: ModelSettings = {
    baseURL: values['base-url'] || env.OPENAI_BASE_URL || undefined,
    apiKey: env.OPENAI_API_KEY || undefined,
    model: values.model ?? (values.fast ? env.FIXPOINT_FAST_MODEL || 'gpt-5-mini' : env.FIXPOINT_MODEL || 'gpt-5'),
    wireApi: values.wire === 'responses' ? 'responses' : 'chat',
  };
  let failed = false;
  const render = terminalRenderer(process.stdout, process.stderr);
  const session = new ChatSession({
    resolveSettings: async () => settings,
    createClient: (s) => new OpenAIModelClient(s),
    post: (msg) => {
      if (msg.type === 'entry' && msg.entry.kind === 'error') failed = true;
      render(msg);
    },
    systemPrompt: async () => systemPrompt({ workspaceName: path.basename(process.cwd()) }),
    contextWindow: () => Number(env.FIXPOINT_CONTEXT_WINDOW) || 192_000,
  });
  process.once('SIGINT', () => session.cancel());
  await session.prompt(positionals.join(' '));
  return failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
