/**
 * The JSON Schema of `*.mi.yaml` (schemas/mi-spec.schema.json), parsed, plus the small subset of draft-07 types the
 * validator walks. The same object feeds hover/completion in the editor (via `specSchema`).
 */
import schemaJson from '../../../schemas/mi-spec.schema.json';

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  markdownDescription?: string;
  type?: JsonType | JsonType[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | JsonSchema[];
  additionalItems?: boolean | JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  pattern?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  definitions?: Record<string, JsonSchema>;
}

/** The parsed spec schema (draft-07). Every property carries `description` and `markdownDescription`. */
export const specSchema: JsonSchema = schemaJson as unknown as JsonSchema;

/** Follows a local `$ref` (`#/definitions/x`); sibling keywords (description, …) win over the referenced ones. */
export function resolveRef(s: JsonSchema, root: JsonSchema = specSchema): JsonSchema {
  let cur = s;
  for (let i = 0; i < 16 && cur.$ref; i++) {
    const m = /^#\/definitions\/(.+)$/.exec(cur.$ref);
    const target = m ? root.definitions?.[m[1]] : undefined;
    const { $ref: _ref, ...rest } = cur;
    cur = target ? { ...target, ...rest } : rest;
  }
  return cur;
}

/**
 * The sub-schema at a path of keys/indices (e.g. ['dataset', 'inputs', 0, 'kind']), or undefined.
 * Used for hover and completion: `schemaAt(['model','type']).enum`.
 */
export function schemaAt(path: (string | number)[], root: JsonSchema = specSchema): JsonSchema | undefined {
  let cur: JsonSchema | undefined = resolveRef(root, root);
  for (const seg of path) {
    if (!cur) return undefined;
    if (typeof seg === 'number') {
      const items: JsonSchema | JsonSchema[] | undefined = cur.items;
      cur = Array.isArray(items) ? items[seg] : items;
    } else if (cur.properties && Object.prototype.hasOwnProperty.call(cur.properties, seg)) {
      cur = cur.properties[seg];
    } else if (typeof cur.additionalProperties === 'object') {
      cur = cur.additionalProperties;
    } else if (cur.anyOf) {
      cur = cur.anyOf.map((b) => resolveRef(b, root)).find((b) => b.properties && Object.prototype.hasOwnProperty.call(b.properties, seg))?.properties?.[seg];
    } else {
      return undefined;
    }
    if (cur) cur = resolveRef(cur, root);
  }
  return cur;
}
