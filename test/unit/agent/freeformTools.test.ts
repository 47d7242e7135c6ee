import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APPLY_PATCH_LARK } from '../../../src/core/patch/grammar';
import { sseFixture } from '../../fakes/sseFixtures';
import { createAgentHarness, type AgentHarness } from './harness';

// Issue 17: on the Responses wire, GPT-5-family models get apply_patch as a freeform custom tool constrained
// by the patch grammar (as they are trained to use it); everywhere else it stays a JSON function.
describe('apply_patch as a freeform tool (Responses, issue 17)', () => {
  let h: AgentHarness;
  afterEach(() => h?.dispose());

  it('is offered with the grammar, its raw input is applied as the patch, and the call and result go back as custom-tool items', async () => {
    h = await createAgentHarness({ 'a.txt': 'alpha\n' });
    Object.assign(h.settings, { wireApi: 'responses', model: 'gpt-5', freeformTools: true });
    h.onProposal = (entry) => h.session.review(entry.id, undefined, true);
    h.server.enqueue({ rawSse: sseFixture('openai-responses-custom-tool-apply-patch') }, { text: 'Done.' });
    await h.session.prompt('capitalise a.txt');
    assert.equal(fs.readFileSync(path.join(h.root, 'a.txt'), 'utf8'), 'ALPHA\n');
    const [first, second] = h.server.modelRequests().map((r) => r.body);
    const offered = first.tools.find((t: { name: string }) => t.name === 'apply_patch');
    assert.deepEqual(offered.format, { type: 'grammar', syntax: 'lark', definition: APPLY_PATCH_LARK });
    assert.equal(offered.type, 'custom');
    assert.equal(first.tools.find((t: { name: string }) => t.name === 'read_file').type, 'function', 'other tools stay functions');
    const call = second.input.find((i: { type?: string }) => i.type === 'custom_tool_call');
    assert.equal(call.call_id, 'call_patch_1');
    assert.match(call.input, /^\*\*\* Begin Patch\n\*\*\* Update File: a\.txt/, 'the raw patch, not JSON');
    const result = second.input.find((i: { type?: string }) => i.type === 'custom_tool_call_output');
    assert.equal(result.call_id, 'call_patch_1');
    assert.match(result.output, /accepted/);
  });

  it('stays a JSON function for other models and on Chat Completions', async () => {
    h = await createAgentHarness({});
    Object.assign(h.settings, { wireApi: 'responses', model: 'qwen3-coder' });
    h.server.enqueue({ text: 'hi' });
    await h.session.prompt('hello');
    const tools = h.server.modelRequests()[0].body.tools as Array<{ type: string; name: string }>;
    assert.equal(tools.find((t) => t.name === 'apply_patch')?.type, 'function');
  });
});
