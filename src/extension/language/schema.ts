/**
 * Minimal JSON Schema navigation for completion and hover: follow a YAML path through `properties`, `items`,
 * `$ref`, `allOf`/`anyOf`/`oneOf`, `additionalProperties` and `patternProperties`. VS Code-free.
 */
import type { PathSeg } from './yamlPath';

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  enumDescriptions?: string[];
  markdownEnumDescriptions?: string[];
  default?: unknown;
  examples?: unknown[];
  required?: string[];
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  deprecated?: boolean;
  [k: string]: unknown;
} | boolean;

type Obj = Exclude<JsonSchema, boolean>;

function isObj(s: JsonSchema | undefined): s is Obj {
  return typeof s === 'object' && s !== null;
}

/** Follows a local `$ref` (`#/definitions/x`, `#/$defs/x`). */
export function deref(root: JsonSchema, s: JsonSchema | undefined, depth = 0): Obj | undefined {
  if (!isObj(s)) return undefined;
  if (typeof s.$ref === 'string' && s.$ref.startsWith('#') && depth < 32) {
    const parts = s.$ref.slice(1).split('/').filter(Boolean).map((p) => decodeURIComponent(p.replace(/~1/g, '/').replace(/~0/g, '~')));
    let cur: unknown = root;
    for (const p of parts) cur = isObj(cur as JsonSchema) ? (cur as Record<string, unknown>)[p] : undefined;
    const target = deref(root, cur as JsonSchema, depth + 1);
    if (!target) return undefined;
    // sibling keywords next to $ref (description) take precedence for documentation
    const { $ref: _ref, ...rest } = s;
    return Object.keys(rest).length ? { ...target, ...rest } : target;
  }
  return s;
}

/** All alternative schemas a value may match (flattens allOf/anyOf/oneOf, resolving refs). */
export function alternatives(root: JsonSchema, s: JsonSchema | undefined, depth = 0): Obj[] {
  const d = deref(root, s);
  if (!d || depth > 16) return [];
  const out: Obj[] = [d];
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = d[k];
    if (Array.isArray(list)) for (const sub of list) out.push(...alternatives(root, sub, depth + 1));
  }
  return out;
}

/** Schemas for the child `seg` of a node matching any of `parents`. */
function childSchemas(root: JsonSchema, parents: Obj[], seg: PathSeg): Obj[] {
  const out: Obj[] = [];
  for (const p of parents) {
    if (typeof seg === 'number') {
      if (Array.isArray(p.prefixItems) && p.prefixItems[seg]) out.push(...alternatives(root, p.prefixItems[seg]));
      else if (Array.isArray(p.items)) { if (p.items[seg]) out.push(...alternatives(root, p.items[seg])); }
      else if (p.items !== undefined) out.push(...alternatives(root, p.items));
      continue;
    }
    const prop = p.properties && Object.prototype.hasOwnProperty.call(p.properties, seg) ? p.properties[seg] : undefined;
    if (prop !== undefined) { out.push(...alternatives(root, prop)); continue; }
    let matched = false;
    for (const [re, sub] of Object.entries(p.patternProperties ?? {})) {
      try {
        if (new RegExp(re).test(seg)) { out.push(...alternatives(root, sub)); matched = true; }
      } catch { /* invalid pattern: ignore */ }
    }
    if (!matched && isObj(p.additionalProperties)) out.push(...alternatives(root, p.additionalProperties));
  }
  return out;
}

/** Every schema alternative that applies at `path` (empty when the path is not described by the schema). */
export function schemasAt(root: JsonSchema, path: PathSeg[]): Obj[] {
  let cur = alternatives(root, root);
  for (const seg of path) {
    cur = childSchemas(root, cur, seg);
    if (!cur.length) break;
  }
  return cur;
}

export interface PropertyInfo { name: string; description?: string; required: boolean; schema: Obj[] }

/** Properties a mapping at `path` may have, in schema order. */
export function propertiesAt(root: JsonSchema, path: PathSeg[]): PropertyInfo[] {
  const seen = new Map<string, PropertyInfo>();
  for (const s of schemasAt(root, path)) {
    for (const [name, sub] of Object.entries(s.properties ?? {})) {
      const alts = alternatives(root, sub);
      const prev = seen.get(name);
      if (prev) { prev.schema.push(...alts); prev.required ||= !!s.required?.includes(name); continue; }
      seen.set(name, { name, description: describe(alts), required: !!s.required?.includes(name), schema: alts });
    }
  }
  return [...seen.values()];
}

/** Whether a node at `path` is (or may be) a mapping. */
export function isObjectAt(root: JsonSchema, path: PathSeg[]): boolean {
  return schemasAt(root, path).some((s) => s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || s.properties !== undefined);
}

export interface EnumValue { value: string; description?: string }

/** Scalar values allowed at `path`: enums, consts and booleans. */
export function enumValuesAt(root: JsonSchema, path: PathSeg[]): EnumValue[] {
  const out = new Map<string, EnumValue>();
  for (const s of schemasAt(root, path)) {
    if (Array.isArray(s.enum)) {
      s.enum.forEach((v, i) => {
        if (v === null || typeof v === 'object') return;
        const key = String(v);
        if (!out.has(key)) out.set(key, { value: key, description: s.markdownEnumDescriptions?.[i] ?? s.enumDescriptions?.[i] });
      });
    }
    if (s.const !== undefined && (typeof s.const !== 'object' || s.const === null)) {
      const key = String(s.const);
      if (!out.has(key)) out.set(key, { value: key, description: s.description });
    }
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    if (types.includes('boolean')) for (const b of ['true', 'false']) if (!out.has(b)) out.set(b, { value: b });
  }
  return [...out.values()];
}

/** The first description among alternatives (markdown preferred). */
export function describe(alts: Obj[]): string | undefined {
  for (const s of alts) if (typeof s.markdownDescription === 'string') return s.markdownDescription;
  for (const s of alts) if (typeof s.description === 'string') return s.description;
  return undefined;
}

/** Default value documented at `path`, if any. */
export function defaultAt(root: JsonSchema, path: PathSeg[]): unknown {
  for (const s of schemasAt(root, path)) if (s.default !== undefined) return s.default;
  return undefined;
}
