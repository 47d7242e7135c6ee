import type { HistoryItem, WebviewToHost } from '../src/shared/protocol';

/** The list of past tasks: title, date, files touched, status; open, rename, export, delete. */
export class HistoryPanel {
  readonly element: HTMLElement;

  constructor(private readonly send: (msg: WebviewToHost) => void) {
    this.element = document.createElement('section');
    this.element.className = 'history';
    this.element.setAttribute('aria-label', 'Task history');
    this.element.hidden = true;
    this.element.addEventListener('click', (e) => this.onClick(e));
  }

  get open(): boolean {
    return !this.element.hidden;
  }

  toggle(): void {
    this.element.hidden = !this.element.hidden;
    if (this.open) this.send({ type: 'history', action: 'list' });
  }

  render(items: HistoryItem[]): void {
    const list = document.createElement('ul');
    list.setAttribute('role', 'list');
    for (const item of items) {
      const li = document.createElement('li');
      li.className = item.current ? 'current' : '';
      li.dataset.id = item.id;
      const title = document.createElement('button');
      title.className = 'link open';
      title.textContent = item.title || '(untitled)';
      title.title = 'Open this task';
      const meta = document.createElement('div');
      meta.className = 'meta';
      const files = item.filesTouched.length
        ? ` · ${item.filesTouched.length} file(s): ${item.filesTouched.slice(0, 3).join(', ')}${item.filesTouched.length > 3 ? '…' : ''}`
        : '';
      meta.textContent = `${new Date(item.updatedAt).toLocaleString()} · ${item.status}${item.cost !== undefined ? ` · $${item.cost.toFixed(2)}` : ''}${files}`;
      const actions = document.createElement('div');
      actions.className = 'row-actions';
      for (const [cls, label] of [
        ['rename', 'Rename'],
        ['export', 'Export'],
        ['delete', 'Delete'],
      ]) {
        const button = document.createElement('button');
        button.className = `secondary ${cls}`;
        button.textContent = label;
        button.setAttribute('aria-label', `${label} task "${item.title}"`);
        actions.append(button);
      }
      li.append(title, meta, actions);
      list.append(li);
    }
    const heading = document.createElement('div');
    heading.className = 'title';
    heading.textContent = items.length ? 'Past tasks' : 'No past tasks yet.';
    this.element.replaceChildren(heading, list);
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    const id = target.closest<HTMLElement>('li[data-id]')?.dataset.id;
    if (!id) return;
    if (target.classList.contains('open')) {
      this.send({ type: 'history', action: 'open', id });
      this.toggle();
    } else if (target.classList.contains('export')) {
      this.send({ type: 'history', action: 'export', id });
    } else if (target.classList.contains('delete')) {
      this.send({ type: 'history', action: 'delete', id });
    } else if (target.classList.contains('rename')) {
      const li = target.closest('li')!;
      const input = document.createElement('input');
      input.value = li.querySelector('.open')?.textContent ?? '';
      input.setAttribute('aria-label', 'New title');
      li.querySelector('.open')!.replaceWith(input);
      input.focus();
      input.addEventListener('keydown', (k) => {
        if (k.key === 'Enter' && input.value.trim()) this.send({ type: 'history', action: 'rename', id, title: input.value.trim() });
        if (k.key === 'Escape') this.send({ type: 'history', action: 'list' });
      });
    }
  }
}
