import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { finishedBlocksEnd, hasLinkDefinitions } from './blocks';
import { decorateCodeBlocks } from './codeBlocks';

// Model output is untrusted: render Markdown, then sanitise. Images are allowed only as data: URIs (the CSP
// blocks the rest too), and links stay inert until the host opens them on a click.
const purifier = DOMPurify(window);
purifier.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'IMG') {
    const src = node.getAttribute('src') ?? '';
    if (!src.startsWith('data:image/')) node.remove();
  }
  if (node.tagName === 'A') {
    const href = node.getAttribute('href') ?? '';
    node.removeAttribute('target');
    node.setAttribute('data-href', href);
    node.setAttribute('href', '#');
    node.setAttribute('title', href);
  }
});

const SANITIZE = {
  FORBID_TAGS: [
    'style',
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'iframe',
    'object',
    'embed',
    'svg',
    'math',
    'video',
    'audio',
    'source',
    'link',
    'meta',
    'base',
  ],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'background', 'poster', 'xlink:href'],
  ALLOW_DATA_ATTR: false,
};

/** Parses and sanitises Markdown: the one place model text becomes DOM. */
export function renderMarkdown(text: string): DocumentFragment {
  const html = marked.parse(text, { async: false, gfm: true, breaks: false }) as string;
  return purifier.sanitize(html, { ...SANITIZE, RETURN_DOM_FRAGMENT: true }) as DocumentFragment;
}

// ---------------------------------------------------------------------------------------------------------------
// Finished messages: parsed once. The sanitised fragment is kept per entry id (checked against the text) and
// cloned when the entry is drawn again (a new `state` snapshot, history reopened), which costs far less than
// parsing and sanitising again. Least recently used entries are dropped past CACHE_SIZE.

const CACHE_SIZE = 400;
const cache = new Map<string, { text: string; fragment: DocumentFragment }>();

function cached(id: string, text: string): DocumentFragment {
  const hit = cache.get(id);
  if (hit && hit.text === text) {
    cache.delete(id);
    cache.set(id, hit);
    return hit.fragment.cloneNode(true) as DocumentFragment;
  }
  const fragment = renderMarkdown(text);
  remember(id, text, fragment);
  return fragment.cloneNode(true) as DocumentFragment;
}

function remember(id: string, text: string, fragment: DocumentFragment): void {
  cache.delete(id);
  cache.set(id, { text, fragment });
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
}

// ---------------------------------------------------------------------------------------------------------------
// Streaming messages: the text is cut into finished blocks, each parsed once and kept in the DOM, and the
// unfinished tail, re-parsed on every update (see blocks.ts for where cuts are safe). The cost of a frame is
// therefore the size of the last block, not of the message.

const SEGMENT_COMMITS = 12;

class StreamingMarkdown {
  private text = '';
  /** Source offset up to which blocks are rendered for good. */
  private committed = 0;
  private tail: ChildNode[] = [];
  /** Finished blocks go into segments of a few commits each, so the entry has few children to lay out. */
  private segment: HTMLElement | undefined;
  private segmentCommits = 0;
  /** The finished blocks' sanitised fragments, kept to seed the cache once the message is done. */
  private readonly parts: DocumentFragment[] = [];

  constructor(private readonly node: HTMLElement) {}

  /** Whether the node shows a prefix of `text` (so an update can append rather than start over). */
  continues(text: string): boolean {
    return text.startsWith(this.text) && this.node.isConnected;
  }

  update(text: string): void {
    this.text = text;
    const cut = finishedBlocksEnd(text, this.committed);
    if (cut > this.committed) {
      this.commit(text.slice(this.committed, cut));
      this.committed = cut;
    }
    this.replaceTail(text.slice(this.committed));
  }

  /** The message is complete: the tail becomes a finished block; nothing else is parsed again. */
  finish(id: string, text: string): void {
    this.text = text;
    this.replaceTail('');
    if (this.committed < text.length) this.commit(text.slice(this.committed));
    this.committed = text.length;
    const whole = document.createDocumentFragment();
    for (const part of this.parts) whole.append(part);
    remember(id, text, whole);
  }

  private commit(source: string): void {
    const fragment = renderMarkdown(source);
    this.parts.push(fragment.cloneNode(true) as DocumentFragment);
    decorateCodeBlocks(fragment);
    this.insert(fragment);
  }

  private replaceTail(source: string): void {
    for (const node of this.tail) node.remove();
    this.tail = [];
    if (!source.trim()) return;
    const fragment = renderMarkdown(source);
    this.tail = [...fragment.childNodes];
    this.node.append(fragment);
  }

  private insert(fragment: DocumentFragment): void {
    if (!this.segment || this.segmentCommits >= SEGMENT_COMMITS) {
      this.segment = document.createElement('div');
      this.segment.className = 'segment';
      this.segmentCommits = 0;
      const before = this.tail[0];
      if (before) this.node.insertBefore(this.segment, before);
      else this.node.append(this.segment);
    }
    this.segmentCommits++;
    this.segment.append(fragment);
  }
}

const streams = new WeakMap<HTMLElement, StreamingMarkdown>();

/**
 * Draws an assistant message's Markdown into `node`. While streaming, only the unfinished tail is parsed again;
 * a finished message is parsed once (or taken from the cache) and its code blocks get their toolbars.
 */
export function renderMessage(node: HTMLElement, id: string, text: string, streaming: boolean): void {
  let stream = streams.get(node);
  if (streaming) {
    if (!stream || !stream.continues(text)) {
      node.replaceChildren();
      stream = new StreamingMarkdown(node);
      streams.set(node, stream);
    }
    stream.update(text);
    return;
  }
  streams.delete(node);
  // A link definition can change blocks above it: such a message is parsed whole once it is complete.
  if (stream && stream.continues(text) && !hasLinkDefinitions(text)) {
    stream.finish(id, text);
    return;
  }
  const fragment = cached(id, text);
  decorateCodeBlocks(fragment);
  node.replaceChildren(fragment);
}
