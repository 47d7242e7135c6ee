import { parseModelJson } from '../model/modelJson';

/** A tool call's arguments as the runner reads them, and what had to be repaired to read them. */
export type ToolArguments =
  | {
      ok: true;
      args: Record<string, unknown>;
      /** Set when the model's JSON was not valid as written: what was repaired, for the tool result. */
      repaired?: string;
    }
  | { ok: false; error: string };

/**
 * Reads the JSON object of a tool call. Common slips (a missing closing brace, single quotes, trailing commas,
 * the object sent as a JSON string) are repaired rather than counted as the model's mistake — the result tells
 * the model what was repaired, so it can do better next time.
 */
export function readToolArguments(raw: string): ToolArguments {
  if (!raw.trim()) return { ok: true, args: {} };
  const parsed = parseModelJson(raw);
  if (!parsed) return { ok: false, error: 'not valid JSON, even after repair' };
  let { value } = parsed;
  let repaired = parsed.repaired ? `the arguments were not valid JSON and were read as ${clip(parsed.repaired)}` : undefined;
  if (typeof value === 'string') {
    // Some models send the object as a JSON string inside the string.
    const inner = parseModelJson(value);
    if (inner && isObject(inner.value)) {
      value = inner.value;
      repaired = 'the arguments were a JSON string holding the object, so the object inside was used';
    }
  }
  if (!isObject(value)) return { ok: false, error: 'not a JSON object' };
  return repaired ? { ok: true, args: value, repaired } : { ok: true, args: value };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
