/** Walking the zod config schema by key, for env-override key resolution and per-field validation. */
import { z } from 'zod';

const MAX_WRAPPERS = 10;

/** Strips optional/default/prefault/pipe wrappers down to an object or array schema, if there is one. */
function unwrap(schema: unknown): unknown {
  let node = schema;
  for (let depth = 0; depth < MAX_WRAPPERS && node !== undefined; depth += 1) {
    if (node instanceof z.ZodObject || node instanceof z.ZodArray) return node;
    if (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodPrefault) {
      node = node.unwrap();
    } else if (node instanceof z.ZodPipe) {
      node = node.out instanceof z.ZodObject || node.out instanceof z.ZodArray ? node.out : node.in;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** The schema of `key` inside `schema` (an object property or an array element); `undefined` when unknown. */
export function childSchema(schema: unknown, key: string | number): z.ZodType | undefined {
  const node = unwrap(schema);
  if (node instanceof z.ZodObject) {
    return typeof key === 'string' ? (node.shape as Record<string, z.ZodType | undefined>)[key] : undefined;
  }
  if (node instanceof z.ZodArray) return typeof key === 'number' ? (node.element as z.ZodType) : undefined;
  return undefined;
}

/** The property names an object schema declares (`[]` for anything else). */
export function shapeKeys(schema: unknown): string[] {
  const node = unwrap(schema);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}
