/**
 * Writes a value as JSON to a file piece by piece, with the text `JSON.stringify` would give (typed arrays as plain
 * arrays, NaN/±Infinity as null, `undefined` and functions dropped from objects and null in arrays, `toJSON` honoured),
 * without ever holding the whole text or a boxed copy of a typed array: a saved rf-gp on 1M rows is a 180 MB
 * model.json, and `JSON.stringify` of it briefly needed several hundred MB on top of the model.
 * For the engine's own values (models, pipelines): plain data, no cycles; nesting is capped all the same.
 */
import { promises as fsp } from 'node:fs';

const FLUSH = 1 << 20;
const MAX_DEPTH = 200;

export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const fh = await fsp.open(path, 'w');
  try {
    let buf = '';
    const flush = async (force = false): Promise<void> => {
      if (buf.length >= FLUSH || (force && buf)) {
        await fh.write(buf);
        buf = '';
      }
    };
    const num = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');
    const walk = async (v: unknown, depth: number): Promise<void> => {
      if (depth > MAX_DEPTH) throw new Error(`writeJsonFile: nesting deeper than ${MAX_DEPTH}`);
      if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON: () => unknown }).toJSON();
      if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') {
        buf += 'null';
      } else if (typeof v === 'number') {
        buf += num(v);
      } else if (typeof v === 'string' || typeof v === 'boolean') {
        buf += JSON.stringify(v);
      } else if (typeof v === 'bigint') {
        throw new TypeError('writeJsonFile: BigInt value');
      } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const a = v as unknown as ArrayLike<number>;
        buf += '[';
        for (let i = 0; i < a.length; i++) {
          if (i) buf += ',';
          buf += num(Number(a[i]));
          if ((i & 4095) === 4095) await flush();
        }
        buf += ']';
      } else if (Array.isArray(v)) {
        buf += '[';
        for (let i = 0; i < v.length; i++) {
          if (i) buf += ',';
          const e: unknown = v[i];
          if (typeof e === 'number') buf += num(e);
          else await walk(e, depth + 1);
          if ((i & 4095) === 4095) await flush();
        }
        buf += ']';
      } else {
        buf += '{';
        let first = true;
        for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
          if (e === undefined || typeof e === 'function' || typeof e === 'symbol') continue;
          buf += `${first ? '' : ','}${JSON.stringify(k)}:`;
          first = false;
          await walk(e, depth + 1);
        }
        buf += '}';
      }
      await flush();
    };
    await walk(value, 0);
    buf += '\n';
    await flush(true);
  } finally {
    await fh.close();
  }
}
