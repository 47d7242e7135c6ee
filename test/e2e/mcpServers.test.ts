import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { repoRoot } from '../harness/env';
import { scratchDir } from '../harness/artifacts';
import { openChat, resizeSideBar } from '../harness/workbench';
import { screenshotOnFailure, waitUntil, world } from './world';

// The "MCP Servers" view in the real workbench (issue 15: servers never fail silently): a server from the
// workspace's .vscode/mcp.json appears once the file does, waits for consent, is allowed and started from its
// row's inline actions, and when its process dies the row says it crashed — what a user sees, clicked as one.
describe('the MCP Servers view in the VS Code workbench', function () {
  this.timeout(90_000);
  let mcpJson: string;
  let marker: string;

  before(() => {
    const { codeServer } = world();
    marker = path.join(scratchDir(), 'mcp-e2e-marker.log');
    rmSync(marker, { force: true });
    mcpJson = path.join(codeServer.workspace, '.vscode', 'mcp.json');
    mkdirSync(path.dirname(mcpJson), { recursive: true });
  });
  after(() => rmSync(mcpJson, { force: true }));
  afterEach(screenshotOnFailure);

  const view = (): Locator => world().page.locator('.pane', { has: world().page.locator('.pane-header', { hasText: 'MCP Servers' }) });
  const row = (): Locator => view().locator('.monaco-list-row', { hasText: 'asking' });
  const description = async () => (await row().locator('.label-description').innerText()).trim();
  /** Clicks one of the row's inline actions (shown on hover), by its title. */
  async function action(title: string): Promise<void> {
    await row().hover();
    await row().locator(`.actions .action-label[aria-label="${title}"]`).click();
  }

  it('a workspace server appears, waits for consent, and is allowed and started from its row', async () => {
    const { page } = world();
    await openChat(page);
    await resizeSideBar(page, 480);
    const server = path.join(repoRoot, 'test', 'fixtures', 'mcp', 'askingServer.mjs');
    writeFileSync(
      mcpJson,
      JSON.stringify({ servers: { asking: { command: process.execPath, args: [server], env: { MARKER_FILE: marker } } } }),
    );
    const header = view().locator('.pane-header');
    await header.waitFor({ timeout: 20_000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    await row().waitFor();
    await waitUntil('the row to ask for consent', async () => (await description()) === 'needs your consent');
    await action('Allow This Workspace MCP Server');
    await waitUntil('the row to show it not started', async () => (await description()) === 'not started');
    await action('Restart MCP Server');
    await waitUntil('the row to show it running', async () => (await description()) === 'running · 4 tools');
  });

  it('a server whose process dies is shown crashed, with its error', async () => {
    const { page } = world();
    const pid = Number(/ready (\d+)/.exec(existsSync(marker) ? readFileSync(marker, 'utf8') : '')?.[1]);
    assert.ok(pid > 0, 'the server noted its pid');
    process.kill(pid, 'SIGKILL');
    await waitUntil('the row to show the crash', async () => /^crashed — the server exited/.test(await description()));
    await page.screenshot({ path: path.join(scratchDir(), 'mcp-servers.png') });
  });
});
