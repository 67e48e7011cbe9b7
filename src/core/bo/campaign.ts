/**
 * Campaign log `<experimentDir>/campaign.jsonl`: one JSON object per line.
 *
 * - `{"type":"suggested", time, runId, acquisition, batch, suggestions:[{rank, id, inputs:{column: raw value}}]}`
 *   for every suggested batch;
 * - `{"type":"measured", time, runId, suggestionRunId, id, row, line, match, values}` when a later run finds a dataset row
 *   that matches an earlier suggestion by id (`match: "id"`, both have ids) or by identical raw inputs
 *   (`match: "inputs"`); `row` is the 1-based data row (first record after the header = 1), `line` the file line.
 * Each suggestion is linked at most once. The file is rewritten atomically (read, append, temp file, rename).
 */
import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Table } from '../data/types';
import type { Spec } from '../spec/types';
import { keyMaker, specInputColumns } from './candidates';
import { writeAtomic } from './io';
import { ownSet } from '../own';

export interface CampaignSuggestion {
  rank: number;
  id: string;
  inputs: Record<string, string | number | null>;
}

export interface SuggestedEntry {
  type: 'suggested';
  time: string;
  runId: string;
  acquisition: string;
  batch: number;
  suggestions: CampaignSuggestion[];
}

export interface MeasuredEntry {
  type: 'measured';
  time: string;
  runId: string;
  suggestionRunId: string;
  id: string;
  row: number;
  line: number;
  match: 'id' | 'inputs';
  values: Record<string, string | null>;
}

export type CampaignEntry = SuggestedEntry | MeasuredEntry;

export function campaignPath(experimentDir: string): string {
  return join(experimentDir, 'campaign.jsonl');
}

export async function readCampaign(experimentDir: string): Promise<CampaignEntry[]> {
  const p = campaignPath(experimentDir);
  if (!existsSync(p)) return [];
  const out: CampaignEntry[] = [];
  for (const line of (await fsp.readFile(p, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as CampaignEntry);
    } catch {
      /* a damaged line is skipped, never fatal */
    }
  }
  return out;
}

async function appendLines(experimentDir: string, entries: CampaignEntry[]): Promise<void> {
  if (!entries.length) return;
  await fsp.mkdir(experimentDir, { recursive: true });
  const p = campaignPath(experimentDir);
  const prev = existsSync(p) ? await fsp.readFile(p, 'utf8') : '';
  const sep = prev && !prev.endsWith('\n') ? '\n' : '';
  await writeAtomic(p, prev + sep + entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

/** Links earlier suggestions to rows of the current dataset; returns the new `measured` entries (also written). */
export async function linkMeasurements(experimentDir: string, runId: string, spec: Spec, data: Table): Promise<MeasuredEntry[]> {
  const entries = await readCampaign(experimentDir);
  const linked = new Set(entries.filter((e): e is MeasuredEntry => e.type === 'measured').map((e) => `${e.suggestionRunId}\u0000${e.id}`));
  const cols = specInputColumns(spec);
  const key = keyMaker(data, cols);
  const byKey = new Map<string, number>();
  for (let r = 0; r < data.rowNumbers.length; r++) if (!byKey.has(key(r))) byKey.set(key(r), r);
  const idCol = spec.dataset.id ? data.header.indexOf(spec.dataset.id) : -1;
  const byId = new Map<string, number>();
  if (idCol >= 0) data.columns[idCol].forEach((v, r) => v && !byId.has(v) && byId.set(v, r));
  const targetCols = spec.dataset.targets.map((t) => t.column);
  const fresh: MeasuredEntry[] = [];
  const time = new Date().toISOString();
  for (const e of entries) {
    if (e.type !== 'suggested') continue;
    for (const s of e.suggestions) {
      const k = `${e.runId}\u0000${s.id}`;
      if (linked.has(k)) continue;
      let r = byId.get(s.id);
      let match: 'id' | 'inputs' = 'id';
      if (r === undefined) {
        const sk = cols.map((c) => {
          const v = s.inputs[c];
          if (v === null || v === undefined) return '';
          const n = Number(v);
          return typeof v === 'number' || (String(v).trim() !== '' && Number.isFinite(n)) ? String(n) : String(v).trim();
        }).join('\u0001');
        r = byKey.get(sk);
        match = 'inputs';
      }
      if (r === undefined) continue;
      // a target must be present for it to count as measured
      const values: Record<string, string | null> = {};
      let any = false;
      for (const t of targetCols) {
        const j = data.header.indexOf(t);
        const v = j >= 0 ? data.columns[j][r] : null;
        ownSet(values, t, v);
        if (v !== null && v !== '') any = true;
      }
      if (!any) continue;
      linked.add(k);
      fresh.push({ type: 'measured', time, runId, suggestionRunId: e.runId, id: s.id, row: r + 1, line: data.rowNumbers[r], match, values });
    }
  }
  await appendLines(experimentDir, fresh);
  return fresh;
}

export async function appendSuggested(experimentDir: string, entry: SuggestedEntry): Promise<void> {
  await appendLines(experimentDir, [entry]);
}
