import type { WebviewToHost } from '../src/shared/protocol';

type Item = { label: string; detail: string };

/**
 * The composer's `@` completion popup: asks the host for candidates as the user types `@…`, and inserts the
 * chosen file, folder or keyword. Keyboard: ↑/↓ to move, Enter/Tab to insert, Esc to close.
 */
export class MentionPopup {
  private readonly list: HTMLUListElement;
  private items: Item[] = [];
  private active = 0;
  private query: string | undefined;

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly send: (msg: WebviewToHost) => void,
  ) {
    this.list = document.createElement('ul');
    this.list.className = 'mentions';
    this.list.id = 'mention-list';
    this.list.setAttribute('role', 'listbox');
    this.list.hidden = true;
    input.setAttribute('aria-controls', 'mention-list');
    input.insertAdjacentElement('beforebegin', this.list);
    input.addEventListener('input', () => this.update());
    input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    this.list.addEventListener('mousedown', (e) => {
      const li = (e.target as HTMLElement).closest('li');
      if (!li) return;
      e.preventDefault();
      this.insert(Number(li.dataset.index));
    });
  }

  get open(): boolean {
    return !this.list.hidden;
  }

  /** Handles a key while the popup is open; returns true when the key was consumed. */
  handleKey(e: KeyboardEvent): boolean {
    if (!this.open) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : this.items.length - 1)) % this.items.length;
      this.render();
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      this.insert(this.active);
    } else if (e.key === 'Escape') {
      this.close();
    } else {
      return false;
    }
    e.preventDefault();
    return true;
  }

  show(query: string, items: Item[]): void {
    if (query !== this.query) return; // A stale answer for an earlier keystroke.
    this.items = items;
    this.active = 0;
    if (items.length === 0) return this.close();
    this.list.hidden = false;
    this.render();
  }

  private currentQuery(): string | undefined {
    const before = this.input.value.slice(0, this.input.selectionStart ?? 0);
    return /(?:^|\s)@([^\s@]*)$/.exec(before)?.[1];
  }

  private update(): void {
    const query = this.currentQuery();
    this.query = query;
    if (query === undefined) return this.close();
    this.send({ type: 'mentionQuery', query });
  }

  private insert(index: number): void {
    const item = this.items[index];
    const query = this.currentQuery();
    if (!item || query === undefined) return this.close();
    const cursor = this.input.selectionStart ?? this.input.value.length;
    const start = cursor - query.length;
    const suffix = item.label.endsWith('/') ? '' : ' ';
    this.input.value = this.input.value.slice(0, start) + item.label + suffix + this.input.value.slice(cursor);
    const caret = start + item.label.length + suffix.length;
    this.input.setSelectionRange(caret, caret);
    this.close();
    this.input.focus();
  }

  private close(): void {
    this.list.hidden = true;
    this.query = undefined;
    this.input.removeAttribute('aria-activedescendant');
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.items.map((item, index) => {
        const li = document.createElement('li');
        li.id = `mention-${index}`;
        li.dataset.index = String(index);
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(index === this.active));
        const label = document.createElement('span');
        label.textContent = `@${item.label}`;
        const detail = document.createElement('span');
        detail.className = 'detail';
        detail.textContent = item.detail;
        li.append(label, detail);
        return li;
      }),
    );
    this.input.setAttribute('aria-activedescendant', `mention-${this.active}`);
  }
}
