// Runs every compiled bench (out/bench/*.bench.js) in its own process, so peak-memory numbers
// are per benchmark. Each bench prints JSON lines on stdout.
import { readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
const dir = new URL('../out/bench/', import.meta.url).pathname;
const only = process.argv[2];
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bench.js') && (!only || f.includes(only))) : [];
let failed = 0;
for (const f of files.sort()) {
  const r = spawnSync(process.execPath, ['--expose-gc', dir + f], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
