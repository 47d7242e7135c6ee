import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { chatHtml } from '../../src/host/webviewHtml';
import { EXTENSION_ID } from './helpers';

/** Parses a CSP into directive → sources. */
function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/**
 * SAFETY §19 with a real VS Code webview: the chat page the host generates (chatHtml, what ChatViewProvider
 * sets as the view's html) carries a CSP that loads nothing remote and runs only its own nonce'd script.
 * The e2e tier reads the same meta back from the live chat webview.
 */
describe('chat webview Content-Security-Policy', () => {
  let panel: vscode.WebviewPanel;
  let html: string;

  before(() => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    panel = vscode.window.createWebviewPanel(
      'fixpoint.cspTest',
      'CSP test',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: true },
      { enableScripts: true },
    );
    html = chatHtml(panel.webview, extension.extensionUri);
  });
  after(() => panel.dispose());

  function csp(): Map<string, string[]> {
    const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
    assert.equal(metas.length, 1, 'exactly one CSP meta');
    return parseCsp(metas[0][1]);
  }

  it("SAFETY §19: default-src 'none', scripts by nonce only, no unsafe-eval, no connect-src", () => {
    const policy = csp();
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    const scripts = policy.get('script-src') ?? [];
    assert.equal(scripts.length, 1, `script-src: ${scripts.join(' ')}`);
    const nonce = /^'nonce-([A-Za-z0-9+/=]{16,})'$/.exec(scripts[0])?.[1];
    assert.ok(nonce, `script-src is a nonce: ${scripts[0]}`);
    // Every script element carries that nonce, and loads the extension's own bundle.
    const tags = [...html.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1]);
    assert.ok(tags.length >= 1);
    for (const attrs of tags) {
      assert.ok(attrs.includes(`nonce="${nonce}"`), `script tag without the nonce: ${attrs}`);
      assert.match(attrs, /src="[^"]*\/dist\/webview\.js"/);
    }
    for (const [name, sources] of policy) {
      for (const bad of ["'unsafe-eval'", "'unsafe-inline'", "'wasm-unsafe-eval'", '*', 'http:', 'https:']) {
        assert.ok(!sources.includes(bad), `${name} allows ${bad}`);
      }
    }
    assert.equal(policy.has('connect-src'), false, 'no connect-src: the page fetches nothing');
    // A fresh page gets a fresh nonce.
    const again = parseCsp(
      /content="([^"]*)"/.exec(chatHtml(panel.webview, vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri))![1],
    );
    assert.notEqual(again.get('script-src')?.[0], scripts[0]);
  });

  it('SAFETY §19: images only from the extension and data:, styles and fonts only from the extension', () => {
    const policy = csp();
    // The webview's own resource origin (VS Code serves extension files through it; never a remote host).
    const own = panel.webview.cspSource.split(/\s+/);
    assert.deepEqual(policy.get('img-src'), [...own, 'data:'], 'no remote images');
    assert.deepEqual(policy.get('style-src'), own);
    for (const [name, sources] of policy) {
      if (name === 'default-src' || name === 'script-src') continue;
      for (const s of sources) assert.ok(own.includes(s) || s === 'data:', `${name} allows ${s}`);
    }
  });
});
