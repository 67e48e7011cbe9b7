/**
 * Schema validation by walking the JSON Schema against the YAML AST, so every diagnostic carries a stable code and the
 * exact node: unknown keys point at the key, bad values at the value, missing keys at the parent's key.
 * Supports the draft-07 subset the spec schema uses (type, enum, const, properties, required, additionalProperties,
 * items / tuple items, min/maxItems, uniqueItems, minimum/maximum/exclusive*, minLength, pattern, anyOf/oneOf, $ref).
 */
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { Diagnostic } from '../diagnostics';
import { resolveRef, type JsonSchema, type JsonType } from './schema';
import { closest, listSome } from './suggest';
import { ownGet } from '../own';
import { formatPath, scalarKey, type SpecDoc, type YPath } from './yamlDoc';

type Kind = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

interface Where {
  /** The key whose value is being checked (for empty values and missing keys). */
  key?: Node;
}

const MAX_DEPTH = 64;
/** Aliases can make a small file expand exponentially; stop walking after this many nodes. */
const MAX_VISITS = 100_000;

function kindOf(node: Node | null): Kind {
  if (node === null) return 'null';
  if (isMap(node)) return 'object';
  if (isSeq(node)) return 'array';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(Number(v)) ? 'integer' : 'number';
    if (typeof v === 'boolean') return 'boolean';
    return 'string';
  }
  return 'string';
}

function typeMatches(kind: Kind, t: JsonType): boolean {
  return kind === t || (t === 'number' && kind === 'integer');
}

const TYPE_WORD: Record<string, string> = {
  object: 'a mapping (key: value)', array: 'a list', string: 'a string', number: 'a number', integer: 'an integer',
  boolean: 'true or false', null: 'empty',
};

function describe(node: Node | null, kind: Kind): string {
  if (kind === 'null') return 'nothing';
  if (kind === 'object') return 'a mapping';
  if (kind === 'array') return 'a list';
  const v: unknown = isScalar(node) ? node.value : undefined;
  const shown = typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v) : String(v);
  return `${kind === 'integer' || kind === 'number' ? 'number' : kind} ${shown}`;
}

function schemaTypes(s: JsonSchema): JsonType[] {
  if (s.type) return Array.isArray(s.type) ? s.type : [s.type];
  if (s.properties || s.required || s.additionalProperties !== undefined) return ['object'];
  if (s.items) return ['array'];
  return [];
}

function nameOf(path: YPath): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? `"${last}"` : formatPath(path);
}

export class SchemaChecker {
  readonly diagnostics: Diagnostic[] = [];
  private visits = 0;
  /** Every property name in the schema → the paths where it is allowed (for "belongs under …" hints). */
  private readonly keyHomes = new Map<string, string[]>();

  constructor(private readonly sd: SpecDoc, private readonly root: JsonSchema) {
    this.indexKeys(resolveRef(root, root), [], 0);
  }

  private indexKeys(s: JsonSchema, path: string[], depth: number): void {
    if (depth > 8) return;
    const branches = [s, ...(s.anyOf ?? []), ...(s.oneOf ?? [])].map((b) => resolveRef(b, this.root));
    for (const b of branches) {
      for (const [k, sub] of Object.entries(b.properties ?? {})) {
        const where = formatPath(path);
        const homes = this.keyHomes.get(k) ?? [];
        if (!homes.includes(where)) homes.push(where);
        this.keyHomes.set(k, homes);
        this.indexKeys(resolveRef(sub, this.root), [...path, k], depth + 1);
      }
      if (b.items && !Array.isArray(b.items)) this.indexKeys(resolveRef(b.items, this.root), [...path.slice(0, -1), `${path[path.length - 1] ?? ''}[]`], depth + 1);
    }
  }

  private push(node: Node | null | undefined, code: string, message: string, hint?: string): void {
    this.diagnostics.push(this.sd.diag(node, 'error', code, message, hint));
  }

  check(node: Node | null, schema: JsonSchema, path: YPath, where: Where = {}, depth = 0): void {
    if (depth > MAX_DEPTH || ++this.visits > MAX_VISITS) return;
    const s = resolveRef(schema, this.root);
    const at: Node | null | undefined = node && !(isScalar(node) && node.value === null && where.key) ? node : (where.key ?? node);
    const kind = kindOf(node);

    const branches = s.anyOf ?? s.oneOf;
    if (branches) {
      const resolved = branches.map((b) => resolveRef(b, this.root));
      const matching = resolved.filter((b) => schemaTypes(b).some((t) => typeMatches(kind, t)));
      if (matching.length === 0) {
        const expected = [...new Set(resolved.flatMap(schemaTypes))];
        const enums = resolved.flatMap((b) => b.enum ?? []).map(String);
        const objs = resolved.filter((b) => schemaTypes(b).includes('object')).map((b) => `{${Object.keys(b.properties ?? {}).join(', ')}: …}`);
        const allowed = [...enums, ...objs];
        this.push(at, 'wrong-type', `${nameOf(path)} must be ${expected.map((t) => TYPE_WORD[t]).join(' or ')}, got ${describe(node, kind)}`,
          allowed.length ? `allowed: ${allowed.join(', ')}` : undefined);
        return;
      }
      // several mapping branches (e.g. goal: {target} or a curve objective): the one that knows every key written
      const keys = isMap(node) ? node.items.map((p) => scalarKey(p.key)).filter((k): k is string => k !== undefined) : [];
      const best = (keys.length && matching.find((b) => b.properties && keys.every((k) => k in (b.properties as object)))) || matching[0];
      this.check(node, { ...best, description: s.description }, path, where, depth + 1);
      return;
    }

    const types = schemaTypes(s);
    if (types.length && !types.some((t) => typeMatches(kind, t))) {
      this.push(at, 'wrong-type', `${nameOf(path)} must be ${types.map((t) => TYPE_WORD[t]).join(' or ')}, got ${describe(node, kind)}`,
        this.typeHint(node, kind, types, s));
      return;
    }

    if (s.const !== undefined || s.enum) {
      const allowed = s.enum ?? [s.const];
      const v: unknown = isScalar(node) ? node.value : undefined;
      if (!allowed.some((a) => a === v)) {
        const list = allowed.map(String);
        if (path.length === 1 && path[0] === 'version') {
          this.push(at, 'version', `unsupported spec version ${String(v)}`, `this MI Studio reads version ${list.join(', ')}`);
        } else {
          const near = typeof v === 'string' ? closest(v, list) : undefined;
          this.push(at, 'bad-enum', `${nameOf(path)} cannot be ${JSON.stringify(v)}`,
            `${near !== undefined ? `did you mean "${near}"? ` : ''}allowed: ${list.join(', ')}`);
        }
        return;
      }
    }

    if (kind === 'number' || kind === 'integer') this.checkNumber(node, s, path);
    else if (kind === 'string') this.checkString(node, s, path);
    else if (kind === 'array' && isSeq(node)) this.checkArray(node, s, path, depth, at);
    else if (kind === 'object' && isMap(node)) this.checkObject(node, s, path, where, depth);
  }

  private typeHint(node: Node | null, kind: Kind, types: JsonType[], s: JsonSchema): string | undefined {
    const v: unknown = isScalar(node) ? node.value : undefined;
    if (kind === 'string' && typeof v === 'string' && (types.includes('number') || types.includes('integer')) && v.trim() !== '' && Number.isFinite(Number(v))) {
      return 'remove the quotes';
    }
    if (types.includes('integer') && kind === 'number') return `use a whole number, e.g. ${Math.round(Number(v))}`;
    if (types.includes('array') && (kind === 'string' || kind === 'number' || kind === 'integer')) {
      return `write a list, e.g. [${String(v)}]`;
    }
    if (types.includes('object') && s.properties) {
      const keys = Object.keys(s.properties);
      return `expected keys: ${listSome(keys)}`;
    }
    if (types.includes('string') && (kind === 'number' || kind === 'integer' || kind === 'boolean')) {
      return `quote it: "${String(v)}"`;
    }
    if (types.includes('boolean')) return 'use true or false';
    if (s.enum) return `allowed: ${s.enum.map(String).join(', ')}`;
    return undefined;
  }

  private checkNumber(node: Node | null, s: JsonSchema, path: YPath): void {
    const v = Number(isScalar(node) ? node.value : NaN);
    const bad = (msg: string): void => this.push(node, 'out-of-range', `${nameOf(path)} ${msg}, got ${v}`);
    if (!Number.isFinite(v)) { this.push(node, 'out-of-range', `${nameOf(path)} must be a finite number`); return; }
    if (s.minimum !== undefined && v < s.minimum) bad(`must be at least ${s.minimum}`);
    else if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) bad(`must be greater than ${s.exclusiveMinimum}`);
    else if (s.maximum !== undefined && v > s.maximum) bad(`must be at most ${s.maximum}`);
    else if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) bad(`must be less than ${s.exclusiveMaximum}`);
  }

  private checkString(node: Node | null, s: JsonSchema, path: YPath): void {
    const v = String(isScalar(node) ? node.value : '');
    if (s.minLength !== undefined && v.length < s.minLength) {
      this.push(node, 'empty-value', `${nameOf(path)} must not be empty`);
      return;
    }
    if (s.pattern !== undefined) {
      let re: RegExp | undefined;
      try { re = new RegExp(s.pattern, 'u'); } catch { re = undefined; }
      if (re && !re.test(v)) {
        this.push(node, 'bad-value', `${nameOf(path)} ${JSON.stringify(v)} is not allowed`,
          path[0] === 'name' ? 'the name becomes a folder: no / \\ : * ? " < > |' : `must match ${s.pattern}`);
      }
    }
  }

  private checkArray(node: Node & { items: unknown[] }, s: JsonSchema, path: YPath, depth: number, at: Node | null | undefined): void {
    const items = node.items.map((it) => this.sd.deref(it));
    if (s.minItems !== undefined && items.length < s.minItems) {
      this.push(at, 'too-few-items', `${nameOf(path)} needs at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}, got ${items.length}`);
    }
    if (s.maxItems !== undefined && items.length > s.maxItems) {
      this.push(items[s.maxItems] ?? at, 'too-many-items', `${nameOf(path)} takes at most ${s.maxItems} items, got ${items.length}`);
    }
    items.forEach((item, i) => {
      let itemSchema: JsonSchema | undefined;
      if (Array.isArray(s.items)) {
        itemSchema = s.items[i] ?? (typeof s.additionalItems === 'object' ? s.additionalItems : undefined);
      } else {
        itemSchema = s.items;
      }
      if (itemSchema) this.check(item, itemSchema, [...path, i], {}, depth + 1);
    });
    if (s.uniqueItems) {
      const seen = new Map<string, number>();
      items.forEach((item, i) => {
        if (!isScalar(item)) return;
        const k = JSON.stringify(item.value);
        if (seen.has(k)) this.push(item, 'duplicate-item', `${String(item.value)} is listed twice in ${nameOf(path)}`, 'remove the repeat');
        else seen.set(k, i);
      });
    }
  }

  private checkObject(node: Node & { items: unknown[] }, s: JsonSchema, path: YPath, where: Where, depth: number): void {
    const props = s.properties ?? {};
    const present = new Set<string>();
    for (const p of node.items) {
      if (!isPair(p)) continue;
      const keyNode = this.sd.deref(p.key);
      const key = scalarKey(keyNode);
      if (key === undefined) {
        this.push(keyNode ?? node, 'wrong-type', `keys in ${formatPath(path)} must be plain names`);
        continue;
      }
      present.add(key);
      const value = this.sd.deref(p.value);
      const sub = ownGet(props, key);
      if (sub) {
        this.check(value, sub, [...path, key], { key: keyNode ?? undefined }, depth + 1);
      } else if (typeof s.additionalProperties === 'object') {
        this.check(value, s.additionalProperties, [...path, key], { key: keyNode ?? undefined }, depth + 1);
      } else if (s.additionalProperties === false) {
        this.push(keyNode, 'unknown-key', `unknown key "${key}" in ${formatPath(path)}`, this.unknownKeyHint(key, Object.keys(props), path));
      }
    }
    for (const req of s.required ?? []) {
      if (present.has(req)) continue;
      const anchor = where.key ?? node;
      const sub = props[req] ? resolveRef(props[req], this.root) : undefined;
      const what = sub?.description ? ` (${sub.description.split(/[.;:]/)[0].toLowerCase()})` : '';
      this.push(anchor, 'missing-key', `${formatPath(path)} is missing required key "${req}"`, `add ${req}:${what}`);
    }
  }

  private unknownKeyHint(key: string, allowed: string[], path: YPath): string {
    const near = closest(key, allowed);
    if (near !== undefined) return `did you mean "${near}"?`;
    const here = formatPath(path).replace(/\[\d+\]/g, '[]');
    const homes = (this.keyHomes.get(key) ?? []).filter((h) => h !== here);
    if (homes.length) return `"${key}" belongs under ${homes.join(' or ')}; allowed here: ${listSome(allowed)}`;
    return allowed.length ? `allowed here: ${listSome(allowed)}` : 'no keys are allowed here';
  }
}
