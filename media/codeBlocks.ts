import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

// Code blocks in the chat: a toolbar (Copy, Insert at cursor, Apply) on every finished block, and syntax
// highlighting done lazily — only for blocks that come near the viewport, a few per frame. highlight.js emits
// <span class="hljs-…"> only (no inline styles, so the chat's CSP holds); main.css colours the classes with
// VS Code theme variables. Blocks without a known language stay plain: auto-detection costs too much per block.

const LANGUAGES = { bash, cpp, csharp, css, diff, go, java, javascript, json, markdown, python, rust, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);
hljs.registerAliases(['sh', 'shell', 'zsh', 'console'], { languageName: 'bash' });
hljs.configure({ ignoreUnescapedHTML: true });

/** Blocks longer than this are left plain (highlighting is linear, but a huge block is one long task). */
const MAX_HIGHLIGHT_CHARS = 50_000;
/** Time budget per frame for highlighting. */
const FRAME_BUDGET_MS = 6;

export function codeLanguage(code: Element): string | undefined {
  for (const cls of code.classList) if (cls.startsWith('language-')) return cls.slice('language-'.length);
  return undefined;
}

function button(label: string, op: string, ariaLabel: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = 'secondary';
  b.type = 'button';
  b.textContent = label;
  b.title = ariaLabel;
  b.setAttribute('aria-label', ariaLabel);
  b.dataset.action = 'code';
  b.dataset.op = op;
  return b;
}

let observer: IntersectionObserver | undefined;
const queue = new Set<HTMLElement>();
let frameRequested = false;

/** Sets the scrolling element whose viewport decides which blocks get highlighted (the chat log). */
export function setCodeViewport(root: HTMLElement): void {
  observer = new IntersectionObserver(
    (items) => {
      for (const item of items) {
        if (!item.isIntersecting) continue;
        observer!.unobserve(item.target);
        queue.add(item.target as HTMLElement);
      }
      if (queue.size) requestHighlight();
    },
    { root, rootMargin: '400px 0px' },
  );
}

function requestHighlight(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    const started = performance.now();
    for (const code of queue) {
      queue.delete(code);
      if (code.isConnected) highlight(code);
      if (performance.now() - started > FRAME_BUDGET_MS) break;
    }
    if (queue.size) requestHighlight();
  });
}

function highlight(code: HTMLElement): void {
  const language = codeLanguage(code);
  const text = code.textContent ?? '';
  if (!language || !hljs.getLanguage(language) || text.length > MAX_HIGHLIGHT_CHARS) return;
  const html = hljs.highlight(text, { language, ignoreIllegals: true }).value;
  // hljs escapes the code; parse it inertly anyway and keep only its spans and their classes.
  const template = document.createElement('template');
  template.innerHTML = html;
  for (const el of template.content.querySelectorAll('*')) {
    if (el.tagName !== 'SPAN') el.replaceWith(document.createTextNode(el.textContent ?? ''));
    else for (const attr of [...el.attributes]) if (attr.name !== 'class') el.removeAttribute(attr.name);
  }
  if (template.content.textContent !== text) return; // Never let highlighting change the code.
  code.replaceChildren(template.content);
  code.classList.add('hljs');
}

/**
 * Gives every finished `<pre><code>` under `root` its toolbar and queues it for highlighting when visible.
 * Idempotent: decorated blocks are skipped.
 */
export function decorateCodeBlocks(root: ParentNode): void {
  for (const pre of root.querySelectorAll<HTMLPreElement>('pre:not(.code-decorated)')) {
    const code = pre.querySelector<HTMLElement>(':scope > code');
    if (!code) continue;
    pre.classList.add('code-decorated');
    const wrapper = document.createElement('div');
    wrapper.className = 'code-block';
    const toolbar = document.createElement('div');
    toolbar.className = 'code-actions';
    toolbar.setAttribute('role', 'toolbar');
    const language = codeLanguage(code);
    toolbar.setAttribute('aria-label', language ? `${language} code block` : 'Code block');
    if (language) {
      const tag = document.createElement('span');
      tag.className = 'code-language';
      tag.setAttribute('aria-hidden', 'true');
      tag.textContent = language;
      toolbar.append(tag);
    }
    toolbar.append(
      button('Copy', 'copy', 'Copy code'),
      button('Insert', 'insert', 'Insert code at the cursor'),
      button('Apply', 'apply', 'Apply code to the active editor (reviewable)'),
    );
    pre.replaceWith(wrapper);
    wrapper.append(toolbar, pre);
    if (observer) observer.observe(code);
  }
}

/** The code and language of the block a toolbar button belongs to. */
export function codeOf(button: HTMLElement): { code: string; language?: string } | undefined {
  const code = button.closest('.code-block')?.querySelector<HTMLElement>('pre > code');
  if (!code) return undefined;
  // Markdown ends a code block's text with a newline the reader does not see: leave it out.
  return { code: (code.textContent ?? '').replace(/\n$/, ''), language: codeLanguage(code) };
}

/** Copies text with the async clipboard API, falling back to a hidden textarea and execCommand. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}
