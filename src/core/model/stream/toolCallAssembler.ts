import type { ToolCallRequest } from '../types';

/** One streamed tool-call fragment as Chat Completions servers send it (every field optional in practice). */
export interface ToolCallFragment {
  index?: number;
  id?: string | null;
  type?: string;
  function?: { name?: string | null; arguments?: string | null };
  /** Gemini: the call's thought signature. */
  extra_content?: object;
}

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
  index?: number;
  extraContent?: object;
}

/**
 * Puts streamed tool-call fragments back together. OpenAI numbers parallel calls with `index`, but real servers
 * do not all follow it: Mistral omits `index`, Ollama, SGLang and others repeat `index: 0` for every call, and
 * DashScope repeats an empty `id` on continuation fragments. So a fragment starts a new call when it carries a
 * new non-empty `id`, or a `function.name` after the current call's arguments are complete; otherwise it
 * continues the call with its index (or the latest call).
 */
export class ToolCallAssembler {
  private readonly calls: PendingCall[] = [];

  get size(): number {
    return this.calls.length;
  }

  add(fragment: ToolCallFragment): void {
    const id = typeof fragment.id === 'string' && fragment.id ? fragment.id : undefined;
    const name = fragment.function?.name || undefined;
    const index = typeof fragment.index === 'number' ? fragment.index : undefined;
    let call = this.continued(id, name, index);
    if (!call) {
      call = { id: id ?? '', name: '', arguments: '', index };
      this.calls.push(call);
    }
    if (name && name !== call.name) {
      // A name split over fragments is joined; a repeated one (some servers resend it) is not doubled.
      call.name = call.name && !call.arguments ? call.name + name : name;
    }
    const args = fragment.function?.arguments;
    if (typeof args === 'string') call.arguments += args;
    else if (args && typeof args === 'object') call.arguments += JSON.stringify(args); // a few servers send an object
    if (fragment.extra_content) call.extraContent = fragment.extra_content;
  }

  /** The call a fragment continues, or undefined when it starts a new one. */
  private continued(id: string | undefined, name: string | undefined, index: number | undefined): PendingCall | undefined {
    if (id) {
      // A known id continues its call, unless its index says otherwise (a server that repeats one id).
      const same = this.calls.find((c) => c.id === id);
      return same && (index === undefined || same.index === undefined || same.index === index) ? same : undefined;
    }
    const candidate = index === undefined ? this.calls.at(-1) : this.lastWithIndex(index);
    if (!candidate || !name || !candidate.name) return candidate;
    if (isCompleteJson(candidate.arguments)) return undefined;
    // Incomplete arguments: the same name resent, or the rest of a split name, belongs to this call.
    return name === candidate.name || !candidate.arguments ? candidate : undefined;
  }

  private lastWithIndex(index: number): PendingCall | undefined {
    for (let i = this.calls.length - 1; i >= 0; i--) if (this.calls[i].index === index) return this.calls[i];
    return undefined;
  }

  /** The assembled calls in order; calls without an id get one that is unique in the turn. */
  finish(): ToolCallRequest[] {
    return this.calls.map((c, i) => ({
      id: c.id || `call_${i + 1}`,
      name: c.name,
      arguments: c.arguments,
      ...(c.extraContent ? { extraContent: c.extraContent } : {}),
    }));
  }
}

function isCompleteJson(text: string): boolean {
  if (!text.trim()) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
