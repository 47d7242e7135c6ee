import type * as JsonRepair from 'jsonrepair' with { 'resolution-mode': 'import' };

// jsonrepair's type declarations are ES-module only, but it ships a CommonJS build, which this require loads.
const { jsonrepair }: typeof JsonRepair = require('jsonrepair');

/**
 * JSON as models write it: parsed strictly when it is valid, else repaired with jsonrepair (single quotes,
 * trailing commas, missing closing brackets, comments, unescaped newlines…). `repaired` is the JSON text the
 * repair produced, so callers can say what was done. Undefined when even the repair fails.
 */
export function parseModelJson(text: string): { value: unknown; repaired?: string } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    // fall through to the repair
  }
  try {
    const repaired = jsonrepair(text);
    return { value: JSON.parse(repaired), repaired };
  } catch {
    return undefined;
  }
}
