import DOMPurify from 'dompurify';
import { marked } from 'marked';

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
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'svg', 'math', 'video', 'audio', 'source', 'link', 'meta', 'base'],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'background', 'poster', 'xlink:href'],
  ALLOW_DATA_ATTR: false,
};

export function renderMarkdown(text: string): DocumentFragment {
  const html = marked.parse(text, { async: false, gfm: true, breaks: false }) as string;
  return purifier.sanitize(html, { ...SANITIZE, RETURN_DOM_FRAGMENT: true }) as DocumentFragment;
}
