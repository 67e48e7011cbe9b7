/**
 * Completion and hover for `*.mi.yaml`, computed from text + schema + dataset access. VS Code-free: the providers in
 * providers.ts only convert these results to VS Code types, so all of this is unit-tested with node:test.
 */
import { parseDocument } from 'yaml';
import type { ColumnInfo, Table } from '../../core/data/types';
import { DESCRIPTORS_BY_KIND } from '../../core/spec/semantic';
import { ownGet } from '../../core/own';
import { describe, enumValuesAt, isObjectAt, propertiesAt, schemasAt, type JsonSchema } from './schema';
import { cursorContext, pathMatches, tokenAt, type CursorContext, type PathSeg } from './yamlPath';

export interface DirEntry { name: string; dir: boolean }

/** What the language service needs from the outside world (file system, data loading). */
export interface LanguageEnv {
  schema: JsonSchema;
  /** Header of a CSV/TSV given relative to the spec's folder (or absolute); undefined when unreadable. */
  columns(relPath: string): Promise<string[] | undefined>;
  /** Entries of a folder relative to the spec's folder ('' = the spec's folder). */
  listDir(relDir: string): Promise<DirEntry[]>;
  /** Markdown summary of one column of a data file (type, missing, range); undefined when unreadable. */
  columnSummary?(relPath: string, column: string): Promise<string | undefined>;
}

export type CompletionKind = 'property' | 'enum' | 'column' | 'file' | 'folder';

export interface CompletionData {
  label: string;
  kind: CompletionKind;
  insertText: string;
  /** VS Code snippet syntax (`$0` = final cursor), when the insertion spans lines or closes a bracket. */
  snippet?: string;
  detail?: string;
  documentation?: string;
  /** Replace range on the cursor's line: [start, end) characters. */
  start: number;
  end: number;
  sortText?: string;
  /** Open the suggestion list again after inserting (e.g. after `kind: ` or a folder). */
  retrigger?: boolean;
}

export interface HoverData { markdown: string; start: number; end: number }

/** Where the data file whose columns apply to a YAML path is named. */
type ColumnSource = { from: 'dataset' } | { from: 'candidates' } | { from: 'sibling'; path: PathSeg[] };

/** Paths whose scalar value is a column name, and which file's columns apply. */
const COLUMN_VALUE_PATHS: [string, ColumnSource['from']][] = [
  ['dataset.id', 'dataset'],
  ['dataset.inputs.*.column', 'dataset'],
  ['dataset.inputs.*.columns.*', 'dataset'],
  ['dataset.targets.*.column', 'dataset'],
  ['optimize.space.composition.elements.*', 'dataset'],
  ['optimize.candidates.id', 'candidates'],
  ['dataset.targets.*.long.id', 'dataset'],
  ['dataset.targets.*.long.argument', 'dataset'],
  ['dataset.targets.*.long.value', 'dataset'],
  ['dataset.targets.*.file', 'dataset'],
  ['evaluation.cv.group', 'dataset'],
];
/** Paths of mappings whose keys are column names. */
const COLUMN_KEY_PATHS = ['optimize.space.bounds', 'optimize.space.composition.bounds'];
/** Keys whose value is a data file path. */
const FILE_PATHS = ['dataset.path', 'optimize.candidates.path'];

/** Which data file's columns a value at `path` refers to (undefined: not a column). */
export function columnSourceFor(path: PathSeg[], asKey = false): ColumnSource | undefined {
  if (asKey) return COLUMN_KEY_PATHS.some((p) => pathMatches(path, p)) ? { from: 'dataset' } : undefined;
  for (const [p, from] of COLUMN_VALUE_PATHS) {
    if (!pathMatches(path, p)) continue;
    if (from === 'sibling') return { from, path: [...path.slice(0, -1), 'path'] };
    return { from } as ColumnSource;
  }
  return undefined;
}

export function isFilePath(path: PathSeg[]): boolean {
  return FILE_PATHS.some((p) => pathMatches(path, p));
}

/** Scalar value at a path, read leniently: a YAML parse first, then a line scan (documents being typed are often invalid). */
export function valueAt(text: string, path: PathSeg[]): string | undefined {
  try {
    const doc = parseDocument(text, { prettyErrors: false });
    const v = doc.getIn(path);
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  } catch { /* fall through */ }
  const lines = text.split(/\r?\n/);
  for (let l = 0; l < lines.length; l++) {
    const key = path[path.length - 1];
    if (typeof key !== 'string' || !lines[l].includes(`${key}:`)) continue;
    const end = lines[l].replace(/\s+#.*$/, '').trimEnd().length;
    const ctx = cursorContext(text, l, end);
    if (ctx?.kind === 'value' && samePath(ctx.path, path) && ctx.prefix.trim()) return ctx.prefix.trim().replace(/["']$/, '');
  }
  return undefined;
}

function samePath(a: PathSeg[], b: PathSeg[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The data file (as written in the spec, relative to it) whose columns apply to a column source. */
export function dataFileFor(text: string, src: ColumnSource): string | undefined {
  if (src.from === 'dataset') return valueAt(text, ['dataset', 'path']);
  if (src.from === 'candidates') return valueAt(text, ['optimize', 'candidates', 'path']) ?? valueAt(text, ['dataset', 'path']);
  return valueAt(text, src.path);
}

/** Data files a spec refers to (dataset, candidates), as written (relative to the spec). */
export function referencedDataFiles(text: string): string[] {
  const out = new Set<string>();
  const ds = valueAt(text, ['dataset', 'path']);
  if (ds) out.add(ds);
  const cand = valueAt(text, ['optimize', 'candidates', 'path']);
  if (cand) out.add(cand);
  return [...out];
}

const needsQuotes = (s: string): boolean => !/^[A-Za-z_][A-Za-z0-9_.\-/]*$/.test(s) || /^(true|false|null|yes|no|on|off|y|n)$/i.test(s);

/** A column name as it must be written in YAML (quoted when it is not a safe plain scalar). */
export function yamlScalar(s: string): string {
  return needsQuotes(s) ? JSON.stringify(s) : s;
}


/** Completion items at a position. */
export async function completions(text: string, line: number, character: number, env: LanguageEnv): Promise<CompletionData[]> {
  const ctx = cursorContext(text, line, character);
  if (!ctx) return [];
  const end = character;
  const out: CompletionData[] = [];

  if (ctx.kind === 'key') {
    // A mapping whose keys are column names (bounds).
    const colKeySrc = columnSourceFor(ctx.path, true);
    if (colKeySrc) {
      const cols = await columnsFor(text, colKeySrc, env);
      for (const c of cols ?? []) {
        if (ctx.existingKeys.includes(c)) continue;
        out.push({ label: c, kind: 'column', insertText: `${yamlScalar(c)}: `, detail: 'column', start: ctx.prefixStart, end });
      }
      return out;
    }
    if (isObjectAt(env.schema, ctx.path) && !ctx.quoted) {
      for (const p of propertiesAt(env.schema, ctx.path)) {
        if (ctx.existingKeys.includes(p.name)) continue;
        const hasEnum = enumValuesAt(env.schema, [...ctx.path, p.name]).length > 0;
        const isColumn = !!columnSourceFor([...ctx.path, p.name]) || isFilePath([...ctx.path, p.name]);
        const shape = valueShape(p.schema);
        const snippet = shape === 'object' ? `${p.name}:\n  $0` : shape === 'objects' ? `${p.name}:\n  - $0` : shape === 'list' ? `${p.name}: [$0]` : undefined;
        out.push({
          label: p.name,
          kind: 'property',
          insertText: `${p.name}: `,
          snippet,
          detail: p.required ? 'required' : undefined,
          documentation: p.description,
          start: ctx.prefixStart,
          end,
          sortText: `${p.required ? '0' : '1'}${p.name}`,
          retrigger: hasEnum || isColumn || shape !== 'scalar',
        });
      }
      return out;
    }
    // Not a mapping here: a scalar sequence item or a value on its own line.
  }
  return valueCompletions(text, ctx, end, env);
}

type Shape = 'scalar' | 'object' | 'objects' | 'list';

function typesOf(s: { type?: unknown; enum?: unknown; properties?: unknown; items?: unknown }): string[] {
  if (Array.isArray(s.type)) return s.type as string[];
  if (typeof s.type === 'string') return [s.type];
  if (s.enum !== undefined) return ['string'];
  if (s.properties !== undefined) return ['object'];
  if (s.items !== undefined) return ['array'];
  return [];
}

/** How a key's value is usually written: a scalar, a nested mapping, a list of mappings, or a flow list of scalars. */
export function valueShape(alts: ReturnType<typeof schemasAt>): Shape {
  const types = new Set(alts.flatMap(typesOf));
  if (!types.size || [...types].some((t) => t !== 'object' && t !== 'array')) return 'scalar';
  if (types.has('object') && !types.has('array')) return 'object';
  if (types.has('array') && !types.has('object')) {
    const items = alts.flatMap((a) => (a.items && !Array.isArray(a.items) && typeof a.items === 'object' ? [a.items] : []));
    const itemTypes = new Set(items.flatMap((i) => typesOf(i as Parameters<typeof typesOf>[0])));
    const refs = items.some((i) => typeof (i as { $ref?: unknown }).$ref === 'string');
    return refs || itemTypes.has('object') ? 'objects' : 'list';
  }
  return 'scalar';
}

async function columnsFor(text: string, src: ColumnSource, env: LanguageEnv): Promise<string[] | undefined> {
  const file = dataFileFor(text, src);
  if (!file) return undefined;
  return env.columns(file);
}

async function valueCompletions(text: string, ctx: CursorContext, end: number, env: LanguageEnv): Promise<CompletionData[]> {
  const out: CompletionData[] = [];
  const colSrc = columnSourceFor(ctx.path);
  if (colSrc) {
    const cols = (await columnsFor(text, colSrc, env)) ?? [];
    cols.forEach((c, i) => {
      out.push({
        label: c,
        kind: 'column',
        insertText: ctx.quoted ? c : yamlScalar(c),
        detail: `column ${i + 1}`,
        start: ctx.prefixStart,
        end,
        sortText: String(i).padStart(5, '0'),
      });
    });
    return out;
  }
  if (isFilePath(ctx.path)) return fileCompletions(ctx, end, env);
  if (pathMatches(ctx.path, 'optimize.space.constraints.*')) {
    // column names inside a linear constraint such as "Ni + Fe <= 0.8": complete the word at the cursor
    const word = /[A-Za-z_][\w.%-]*$/.exec(ctx.prefix)?.[0] ?? '';
    const start = ctx.prefixStart + ctx.prefix.length - word.length;
    const cols = (await columnsFor(text, { from: 'dataset' }, env)) ?? [];
    return cols.map((c, i) => ({ label: c, kind: 'column' as const, insertText: c, detail: `column ${i + 1}`, start, end, sortText: String(i).padStart(5, '0') }));
  }
  let values = enumValuesAt(env.schema, ctx.path);
  const last = ctx.path[ctx.path.length - 1];
  const parent = ctx.path[ctx.path.length - 2];
  if (typeof last === 'number' && parent === 'descriptors') {
    const kind = valueAt(text, [...ctx.path.slice(0, -2), 'kind']);
    const fit = kind ? ownGet(DESCRIPTORS_BY_KIND, kind) : undefined;
    if (fit) values = values.filter((v) => fit.includes(v.value));
  }
  for (const v of values) {
    out.push({ label: v.value, kind: 'enum', insertText: v.value, documentation: v.description, start: ctx.prefixStart, end });
  }
  // A mapping written inline, e.g. `goal: {target: 1.5}` or `candidates: {path: pool.csv}`.
  if (!ctx.quoted && !ctx.prefix.startsWith('{')) {
    const seen = new Set<string>();
    for (const alt of schemasAt(env.schema, ctx.path)) {
      const req = alt.required ?? [];
      if (!alt.properties || !req.length || seen.has(req.join())) continue;
      seen.add(req.join());
      out.push({
        label: `{${req.map((r) => `${r}: …`).join(', ')}}`,
        kind: 'enum',
        insertText: `{${req.map((r) => `${r}: `).join(', ')}}`,
        snippet: `{${req.map((r, i) => `${r}: $${i + 1}`).join(', ')}}`,
        documentation: describe([alt.properties[req[0]] as Exclude<JsonSchema, boolean>].filter((x) => typeof x === 'object')),
        start: ctx.prefixStart,
        end,
        sortText: `~${req.join()}`,
      });
    }
  }
  return out;
}

const DATA_FILE = /\.(csv|tsv)$/i;

async function fileCompletions(ctx: CursorContext, end: number, env: LanguageEnv): Promise<CompletionData[]> {
  const typed = ctx.prefix;
  const slash = typed.lastIndexOf('/');
  const dir = slash >= 0 ? typed.slice(0, slash + 1) : '';
  let entries: DirEntry[];
  try {
    entries = await env.listDir(dir);
  } catch {
    return [];
  }
  const start = ctx.prefixStart + dir.length;
  const out: CompletionData[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    if (e.dir) {
      out.push({ label: `${e.name}/`, kind: 'folder', insertText: `${e.name}/`, start, end, sortText: `1${e.name}`, retrigger: true });
    } else if (DATA_FILE.test(e.name)) {
      out.push({ label: e.name, kind: 'file', insertText: e.name, start, end, sortText: `0${e.name}` });
    }
  }
  return out;
}

function pathLabel(path: PathSeg[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
}

/** Markdown documentation of the schema node at `path` (description, allowed values, default). */
export function schemaHoverMarkdown(schema: JsonSchema, path: PathSeg[]): string | undefined {
  const alts = schemasAt(schema, path);
  if (!alts.length) return undefined;
  const desc = describe(alts);
  const key = path[path.length - 1];
  const parts: string[] = [];
  const title = `**${typeof key === 'number' ? pathLabel(path.slice(-2)) : key}**`;
  parts.push(path.length > 1 ? `${title} — \`${pathLabel(path)}\`` : title);
  if (desc) parts.push(desc);
  const values = enumValuesAt(schema, path).map((v) => `\`${v.value}\``);
  if (values.length) parts.push(`Allowed: ${values.join(' | ')}`);
  const def = alts.find((s) => s.default !== undefined)?.default;
  if (def !== undefined && (typeof def !== 'object' || def === null)) parts.push(`Default: \`${String(def)}\``);
  if (!desc && parts.length === 1) return undefined;
  return parts.join('\n\n');
}

/** Hover at a position: schema documentation for keys (and enum values), a data summary for column names. */
export async function hover(text: string, line: number, character: number, env: LanguageEnv): Promise<HoverData | undefined> {
  const tok = tokenAt(text, line, character);
  if (!tok) return undefined;
  if (tok.kind === 'key') {
    const colKeySrc = columnSourceFor(tok.path.slice(0, -1), true);
    if (colKeySrc && env.columnSummary) {
      const file = dataFileFor(text, colKeySrc);
      const md = file ? await env.columnSummary(file, tok.word) : undefined;
      if (md) return { markdown: md, start: tok.start, end: tok.end };
    }
    const md = schemaHoverMarkdown(env.schema, tok.path);
    return md ? { markdown: md, start: tok.start, end: tok.end } : undefined;
  }
  const colSrc = columnSourceFor(tok.path);
  if (colSrc) {
    const file = dataFileFor(text, colSrc);
    if (file && env.columnSummary) {
      const md = await env.columnSummary(file, tok.word);
      if (md) return { markdown: md, start: tok.start, end: tok.end };
    }
    return undefined;
  }
  if (isFilePath(tok.path)) {
    const cols = await env.columns(tok.word);
    const md = cols
      ? `\`${tok.word}\` — ${cols.length} column${cols.length === 1 ? '' : 's'}: ${cols.slice(0, 30).map((c) => `\`${c}\``).join(', ')}${cols.length > 30 ? ', …' : ''}`
      : `\`${tok.word}\` — cannot be read (missing, or not a CSV/TSV file), relative to the spec's folder`;
    return { markdown: md, start: tok.start, end: tok.end };
  }
  // An enum value: its own description if the schema has one, else the key's documentation.
  const alts = schemasAt(env.schema, tok.path);
  for (const s of alts) {
    const i = Array.isArray(s.enum) ? s.enum.map(String).indexOf(tok.word) : -1;
    const d = i >= 0 ? (s.markdownEnumDescriptions?.[i] ?? s.enumDescriptions?.[i]) : undefined;
    if (d) return { markdown: `**${tok.word}** — ${d}`, start: tok.start, end: tok.end };
  }
  const md = schemaHoverMarkdown(env.schema, tok.path);
  return md ? { markdown: md, start: tok.start, end: tok.end } : undefined;
}

/** Markdown summary of a column: type (with evidence), missing count, numeric range and mean. */
export function columnSummaryMarkdown(table: Table, column: string, fileLabel: string, maxRows?: number): string | undefined {
  const j = table.header.indexOf(column);
  if (j < 0) return undefined;
  const info: ColumnInfo | undefined = table.info[j];
  const cells = table.columns[j] ?? [];
  const n = cells.length;
  const missing = info?.missing ?? cells.filter((c) => c === null).length;
  const lines = [`**${column}** — column ${j + 1} of \`${fileLabel}\``, ''];
  if (info) lines.push(`- type: **${info.type}** (${info.evidence})`);
  lines.push(`- missing: ${missing} of ${n} rows`);
  if (info?.type === 'numeric') {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let k = 0;
    for (const c of cells) {
      if (c === null) continue;
      const v = Number(c);
      if (!Number.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      k++;
    }
    if (k) lines.push(`- min ${fmt(min)}, max ${fmt(max)}, mean ${fmt(sum / k)}`);
  } else {
    const distinct = new Map<string, number>();
    for (const c of cells) if (c !== null) distinct.set(c, (distinct.get(c) ?? 0) + 1);
    const top = [...distinct.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    lines.push(`- ${distinct.size} distinct values${top.length ? `, e.g. ${top.map(([v]) => `\`${v}\``).join(', ')}` : ''}`);
  }
  if (maxRows !== undefined && n >= maxRows) lines.push('', `_Summary of the first ${maxRows} rows._`);
  return lines.join('\n');
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/**
 * The replacement a "did you mean" diagnostic proposes for the text it marks, quoted like the original (or quoted when
 * the suggestion needs it). Undefined when the diagnostic has no suggestion.
 */
export function didYouMeanReplacement(message: string, markedText: string): string | undefined {
  const m = /did you mean "([^"]+)"\?/.exec(message);
  if (!m) return undefined;
  const want = m[1];
  const q = markedText[0];
  if ((q === '"' || q === "'") && markedText.endsWith(q) && markedText.length >= 2) {
    return q === '"' ? JSON.stringify(want) : `'${want.replace(/'/g, "''")}'`;
  }
  return yamlScalar(want);
}
