import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { acceptsImages, seesImagesByName } from '../../../src/core/model/images';
import { mcpToolsForRun } from '../../../src/core/mcp/mcpTools';
import { NodeMcpServers } from '../../../src/node/mcp/servers';
import { createAgentHarness, type AgentHarness } from '../agent/harness';

// Images in MCP results (issue 15): server-everything's get-tiny-image through the whole agent, the real openai
// SDK and the local test server; what the model is sent is read from the request bodies the server recorded.
const everything = path.resolve(__dirname, '../../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const imageCall = { id: 'img', name: 'mcp__everything__get-tiny-image', arguments: '{}' };

describe('MCP images reach models that take images, and are described to the others', function () {
  this.timeout(60_000);
  let h: AgentHarness;
  let servers: NodeMcpServers;
  beforeEach(async () => {
    servers = new NodeMcpServers([
      { name: 'everything', source: 'user', config: { type: 'stdio', command: process.execPath, args: [everything], env: {} } },
    ]);
    h = await createAgentHarness({}, {}, { extraTools: (signal) => mcpToolsForRun(servers, { signal }) });
    h.onApproval = (entry) => h.session.approve(entry.id, 'task');
  });
  afterEach(async () => {
    await h?.dispose();
    await servers.dispose();
  });

  /** The messages of the request that followed the image call. */
  async function afterImage(): Promise<Array<{ role: string; content: unknown; tool_call_id?: string }>> {
    h.server.enqueue({ toolCalls: [imageCall] }, { text: 'I see the logo' });
    await h.session.prompt('show me the image');
    return h.server.modelRequests()[1].body.messages;
  }

  it('Chat Completions, an image-capable model (gpt-4o): the tool message describes, a user message after it carries the PNG', async () => {
    h.settings = { ...h.settings, model: 'gpt-4o' };
    const messages = await afterImage();
    const toolIndex = messages.findIndex((m) => m.role === 'tool');
    const tool = messages[toolIndex];
    assert.equal(tool.tool_call_id, 'img');
    assert.match(String(tool.content), /\[image: image\/png, [\d,]+ bytes\]/);
    assert.match(String(tool.content), /attached in the next message/);
    const next = messages[toolIndex + 1];
    assert.equal(next.role, 'user');
    const parts = next.content as Array<{ type: string; text?: string; image_url?: { url: string } }>;
    assert.equal(parts[0].type, 'text');
    assert.equal(parts[1].type, 'image_url');
    assert.match(parts[1].image_url!.url, /^data:image\/png;base64,iVBORw0KGgo/);
    assert.equal(messages.length, toolIndex + 2, 'nothing after the image message');
  });

  it('Chat Completions, a text-only model: only the description, with a note, and no image part anywhere', async () => {
    const messages = await afterImage();
    const tool = messages.find((m) => m.role === 'tool')!;
    assert.match(String(tool.content), /\[image: image\/png, [\d,]+ bytes\]\n[\s\S]*not shown: this model does not take images/);
    assert.doesNotMatch(JSON.stringify(messages), /image_url|base64/);
  });

  it('the setting overrides the name: images on for a model the profile does not know', async () => {
    h.settings = { ...h.settings, images: true };
    const messages = await afterImage();
    assert.match(JSON.stringify(messages.at(-1)), /data:image\/png;base64,/);
  });

  it('Responses API: the image goes inside the call’s function_call_output as input_image', async () => {
    h.settings = { ...h.settings, model: 'gpt-4.1', wireApi: 'responses' };
    h.server.enqueue({ toolCalls: [imageCall] }, { text: 'I see the logo' });
    await h.session.prompt('show me the image');
    const input = h.server.modelRequests()[1].body.input as Array<{ type?: string; call_id?: string; output?: unknown }>;
    const output = input.find((i) => i.type === 'function_call_output' && i.call_id === 'img')!.output as Array<{
      type: string;
      text?: string;
      image_url?: string;
    }>;
    assert.equal(output[0].type, 'input_text');
    assert.match(output[0].text!, /\[image: image\/png, [\d,]+ bytes\][\s\S]*attached below/);
    assert.equal(output[1].type, 'input_image');
    assert.match(output[1].image_url!, /^data:image\/png;base64,iVBORw0KGgo/);
  });
});

describe('which models take images', () => {
  it('by name, with provider prefixes and Ollama tags; look-alike text-only models excluded', () => {
    for (const model of [
      'gpt-4o',
      'gpt-4.1-mini',
      'gpt-5',
      'o3',
      'o4-mini',
      'openai/gpt-4o',
      'llava:13b',
      'gemma3:4b',
      'qwen2.5vl:7b',
      'llama3.2-vision',
      'pixtral-12b',
      'Qwen/Qwen2.5-VL-7B-Instruct',
      'meta-llama/llama-4-scout',
    ])
      assert.equal(seesImagesByName(model), true, model);
    for (const model of [
      'o3-mini',
      'o1-mini',
      'gpt-3.5-turbo',
      'gpt-oss-20b',
      'qwen2.5-coder',
      'deepseek-chat',
      'fake-model',
      'llama3.1:8b',
      'gpt-4',
    ])
      assert.equal(seesImagesByName(model), false, model);
  });

  it('a profile that knows its family decides over the name; the setting decides over both', () => {
    assert.equal(acceptsImages({ baseURL: 'https://api.deepseek.com/v1' }, 'deepseek-vl'), false);
    assert.equal(acceptsImages({ baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai' }, 'gemini-2.5-flash'), true);
    assert.equal(acceptsImages({ baseURL: 'http://localhost:11434/v1' }, 'llava'), true);
    assert.equal(acceptsImages({ baseURL: 'http://localhost:11434/v1', images: false }, 'llava'), false);
    assert.equal(acceptsImages({ images: true }, 'gpt-3.5-turbo'), true);
  });
});
