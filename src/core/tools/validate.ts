// Checks tool arguments against the subset of JSON Schema the tools declare, so a malformed call is answered
// with a precise error instead of reaching the tool.

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
};

export function validateArgs(schema: Schema, value: unknown, at = 'arguments'): string | undefined {
  if (schema.enum && !schema.enum.includes(value)) return `${at} must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${at} must be an object`;
      const record = value as Record<string, unknown>;
      for (const name of schema.required ?? []) {
        if (record[name] === undefined || record[name] === null) return `${at}.${name} is required`;
      }
      for (const [name, child] of Object.entries(record)) {
        const childSchema = schema.properties?.[name];
        if (!childSchema) return `${at}.${name} is not a known argument (known: ${Object.keys(schema.properties ?? {}).join(', ')})`;
        if (child === null && !schema.required?.includes(name)) continue;
        const problem = validateArgs(childSchema, child, `${at}.${name}`);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'array':
      if (!Array.isArray(value)) return `${at} must be an array`;
      for (let i = 0; i < value.length; i++) {
        const problem = schema.items ? validateArgs(schema.items, value[i], `${at}[${i}]`) : undefined;
        if (problem) return problem;
      }
      return undefined;
    case 'string':
      return typeof value === 'string' ? undefined : `${at} must be a string`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${at} must be true or false`;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || (schema.type === 'integer' && !Number.isInteger(value))) {
        return `${at} must be ${schema.type === 'integer' ? 'an integer' : 'a number'}`;
      }
      if (schema.minimum !== undefined && value < schema.minimum) return `${at} must be at least ${schema.minimum}`;
      if (schema.maximum !== undefined && value > schema.maximum) return `${at} must be at most ${schema.maximum}`;
      return undefined;
    default:
      return undefined;
  }
}

/** Drops null values (some models send `"start_line": null` for omitted optionals). */
export function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}
