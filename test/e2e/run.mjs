#!/usr/bin/env node
// E2E runner: everything `npm run test:e2e` needs, from a fresh clone to a torn-down machine.
//   setup (idempotent) → build → package VSIX (+ content/size check) → isolated profile → install VSIX →
//   code-server on a free loopback port in its own process group → `node --test` on test/e2e/suites/*.test.mjs
//   (sequential) → ALWAYS tear down (TERM the process groups, KILL after a timeout, then verify no process of this
//   run remains) → copy logs to test-results/e2e/ → exit code = test result.
// Usage: node test/e2e/run.mjs [--skip-setup] [--skip-build] [--keep] [--grep=<test-name-regex>] [suite-name-substring ...]
//   MI_E2E_TIMEOUT_MS  overall time limit of the suites (default 8 min)
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, openSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { listZip } from './lib/zip.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const RESULTS = join(ROOT, 'test-results', 'e2e');
const CS_BIN = join(ROOT, '.e2e-cache', 'code-server', 'node_modules', '.bin', 'code-server');
const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const filters = argv.filter((a) => !a.startsWith('--'));
/** --grep=<regex>: only tests whose name matches (node --test --test-name-pattern) */
const grep = argv.find((a) => a.startsWith('--grep='))?.slice('--grep='.length);
/** what may go into the VSIX (then filtered by .vscodeignore): staged for packaging */
const STAGE_DIRS = ['dist', 'media', 'syntaxes', 'schemas'];
const STAGE_FILE = /^(package\.json|\.vscodeignore|language-configuration\.json|README(\.md)?|NOTICE(\.md|\.txt)?|LICEN[CS]E(\.md|\.txt)?|CHANGELOG\.md)$/i;
const SUITE_TIMEOUT_MS = Number(process.env.MI_E2E_TIMEOUT_MS ?? 8 * 60_000);
/** Every process this run starts inherits this variable; teardown scans /proc for it to prove nothing is left. */
const MARK = `mi-e2e-${process.pid}-${randomBytes(4).toString('hex')}`;

const T0 = Date.now();
const timings = {};
function log(msg) { process.stdout.write(`[e2e ${((Date.now() - T0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`); }
async function timed(name, fn) {
  const t = Date.now();
  try { return await fn(); } finally { timings[name] = Date.now() - t; log(`${name}: ${timings[name]} ms`); }
}
function sh(cmd, args, opts = {}) {
  // a hung build/vsce/install fails the run after 5 min instead of blocking CI forever
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000, killSignal: 'SIGKILL', ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}${r.signal ? ', ' + r.signal : ''})\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  return r;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- state torn down by teardown() ---------------------------------------------------------------------------------
let R; // run folder (temp): profile, workspaces, logs
const groups = []; // { name, pid } process-group leaders we started with detached:true (= setsid)

function groupAlive(pgid) { try { process.kill(-pgid, 0); return true; } catch { return false; } }
async function killGroup({ name, pid }, graceMs = 5000) {
  if (!groupAlive(pid)) return;
  try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
  const end = Date.now() + graceMs;
  while (Date.now() < end && groupAlive(pid)) await sleep(100);
  if (groupAlive(pid)) {
    log(`${name} (pgid ${pid}) ignored SIGTERM for ${graceMs} ms: SIGKILL`);
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    const end2 = Date.now() + 3000;
    while (Date.now() < end2 && groupAlive(pid)) await sleep(100);
  }
}
/** Processes (other than us) whose environment carries this run's MARK, wherever they were re-parented to. */
function markedProcesses() {
  const found = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, 'latin1');
      if (!env.includes(`MI_E2E_MARK=${MARK}\0`)) continue;
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // zombie: already dead, awaiting reaping
      found.push({ pid: Number(d), cmd: readFileSync(`/proc/${d}/cmdline`, 'latin1').replace(/\0/g, ' ').trim().slice(0, 200) });
    } catch { /* exited meanwhile or not readable */ }
  }
  return found;
}
/**
 * Idempotent and shared: every caller (normal end, signal handler, error path) awaits the SAME teardown, so nobody
 * proceeds (removing folders, exiting) while process groups are still being killed. Resolves to false when a process
 * of this run had to be force-killed after the groups were gone.
 */
let teardownPromise;
function teardown() {
  teardownPromise ??= (async () => {
    for (const g of [...groups].reverse()) await killGroup(g);
    let left = markedProcesses();
    for (let i = 0; i < 30 && left.length; i++) { await sleep(100); left = markedProcesses(); }
    if (!left.length) return true;
    process.stderr.write(`\n[e2e] ERROR: ${left.length} process(es) of this run survived teardown:\n` +
      left.map((p) => `  pid ${p.pid}: ${p.cmd}`).join('\n') + '\n[e2e] killing them with SIGKILL\n');
    for (const p of left) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
    await sleep(300);
    const still = markedProcesses();
    if (still.length) process.stderr.write(`[e2e] ERROR: still alive after SIGKILL: ${still.map((p) => p.pid).join(', ')}\n`);
    return false;
  })();
  return teardownPromise;
}
function removeRunDir() {
  if (!R || flag('--keep')) return;
  try { rmSync(R, { recursive: true, force: true, maxRetries: 3 }); } catch (e) { process.stderr.write(`[e2e] could not remove ${R}: ${e.message}\n`); }
}
let exiting = false;
async function emergencyExit(why, code) {
  if (exiting) return;
  exiting = true;
  process.stderr.write(`\n[e2e] ${why}: tearing down\n`);
  const clean = await teardown().catch((e) => { process.stderr.write(`[e2e] teardown error: ${e?.stack ?? e}\n`); return false; });
  saveLogs();
  removeRunDir();
  if (!clean) process.stderr.write('[e2e] FAIL: processes survived teardown (see above)\n');
  process.exit(code);
}
process.on('SIGINT', () => emergencyExit('SIGINT', 130));
process.on('SIGTERM', () => emergencyExit('SIGTERM', 143));
process.on('SIGHUP', () => emergencyExit('SIGHUP', 129));
process.on('uncaughtException', (e) => { process.stderr.write(`${e?.stack ?? e}\n`); emergencyExit('uncaught exception', 1); });
process.on('unhandledRejection', (e) => { process.stderr.write(`${e?.stack ?? e}\n`); emergencyExit('unhandled rejection', 1); });

// ---- logs ------------------------------------------------------------------------------------------------------------
function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else out.push(p);
  }
  return out;
}
/** Copy the extension host logs, the "MI Studio" output channel and code-server's own log into test-results/e2e/logs. */
function saveLogs() {
  if (!R) return;
  try {
    const dest = join(RESULTS, 'logs');
    mkdirSync(dest, { recursive: true });
    const logsRoot = join(R, 'ud', 'logs');
    for (const f of walk(logsRoot)) {
      const rel = relative(logsRoot, f);
      if (/exthost/i.test(rel) || /MI Studio/i.test(rel) || /mi-studio/i.test(rel) || /remoteagent|server/i.test(basename(f))) {
        const to = join(dest, rel);
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(f, to);
      }
    }
    for (const f of ['cs.log', 'install.log']) if (existsSync(join(R, f))) copyFileSync(join(R, f), join(dest, f));
  } catch (e) { process.stderr.write(`[e2e] could not save logs: ${e}\n`); }
}

// ---- helpers ---------------------------------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}
function checkVsix(vsix) {
  const entries = listZip(vsix);
  const names = entries.map((e) => e.name);
  const size = statSync(vsix).size;
  const must = ['extension/package.json', 'extension/dist/extension.js'];
  for (const m of must) if (!names.includes(m)) throw new Error(`VSIX lacks ${m}`);
  const forbidden = [/^extension\/src\//, /^extension\/test\//, /(^|\/)node_modules\//, /^extension\/\.e2e-cache\//,
    /^extension\/examples\/.*\/runs\//, /^extension\/(syntaxes|schemas|media)\/.*\.(m?[jt]s|cjs)$/, /^extension\/test-results\//, /^extension\/out\//, /\.map$/, /\.vsix$/];
  const bad = names.filter((n) => forbidden.some((re) => re.test(n)));
  if (bad.length) throw new Error(`VSIX contains files that must stay out (fix .vscodeignore):\n  ${bad.slice(0, 20).join('\n  ')}`);
  // bundles + tfjs/RDKit wasm are a few tens of MB; hundreds of MB means something leaked in
  const MAX = 80 * 1024 * 1024;
  if (size > MAX) throw new Error(`VSIX is ${(size / 1e6).toFixed(1)} MB (> ${MAX / 1e6} MB): check .vscodeignore`);
  const biggest = [...entries].sort((a, b) => b.size - a.size).slice(0, 5).map((e) => `${e.name.replace(/^extension\//, '')} ${(e.size / 1e6).toFixed(1)}MB`);
  log(`VSIX ${(size / 1e6).toFixed(1)} MB, ${entries.length} files; largest: ${biggest.join(', ')}`);
  log(`VSIX files: ${names.filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length)).join(' ')}`);
}
async function waitHealthy(port, child, timeoutMs = 90_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${join(R, 'cs.log')}:\n${readFileSync(join(R, 'cs.log'), 'utf8').slice(-3000)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return;
    } catch { /* not yet listening */ }
    await sleep(150);
  }
  throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms`);
}
/** Lines of node:test's final summary ("ℹ tests 7" … "ℹ duration_ms …"), to repeat them as the last output. */
function summaryOf(out) {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => /^ℹ tests \d+/.test(l.replace(/\x1b\[[0-9;]*m/g, '')));
  if (start < 0) return '';
  const block = [];
  for (const l of lines.slice(start)) { if (/^ℹ /.test(l.replace(/\x1b\[[0-9;]*m/g, ''))) block.push(l); else break; }
  return block.join('\n');
}

// ---- main ------------------------------------------------------------------------------------------------------------
async function main() {
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });

  if (!flag('--skip-setup')) {
    await timed('setup', () => {
      const r = spawnSync('bash', [join(HERE, 'setup.sh')], { cwd: ROOT, stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`setup.sh failed (exit ${r.status})`);
    });
  }
  if (!existsSync(CS_BIN)) throw new Error(`code-server missing at ${CS_BIN}: run test/e2e/setup.sh`);

  R = mkdtempSync(join(tmpdir(), 'mi-e2e-'));
  log(`run folder ${R}`);
  const vsix = join(R, 'mi-studio.vsix');
  if (!flag('--skip-build')) await timed('build', () => sh(process.execPath, ['scripts/build.mjs']));
  await timed('package VSIX', () => {
    // vsce globs its whole working folder (incl. .git, .e2e-cache, out/) before applying .vscodeignore, which takes
    // ~15 s here; so stage only the candidates in a clean folder and package there (.vscodeignore still decides)
    const stage = join(R, 'pkg');
    mkdirSync(stage, { recursive: true });
    for (const f of readdirSync(ROOT)) {
      if (STAGE_DIRS.includes(f) || STAGE_FILE.test(f)) cpSync(join(ROOT, f), join(stage, f), { recursive: true });
    }
    const vsce = join(ROOT, 'node_modules', '.bin', 'vsce');
    // --no-rewrite-relative-links: the README links docs/*.md relatively; vsce would need a repository URL to rewrite them
    const args = ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix];
    // without a LICENSE file vsce asks "continue? [y/N]" on stdin; stdin is /dev/null, so skip that question explicitly
    if (!readdirSync(stage).some((f) => /^LICEN[CS]E/i.test(f))) args.push('--skip-license');
    sh(vsce, args, { cwd: stage }); // stdin is /dev/null ('ignore'): vsce must never wait for an answer
    checkVsix(vsix);
  });

  // isolated profile: user data, extensions, XDG dirs, config all under R
  const ud = join(R, 'ud');
  mkdirSync(join(ud, 'User'), { recursive: true });
  mkdirSync(join(R, 'exts'), { recursive: true });
  cpSync(join(HERE, 'settings.json'), join(ud, 'User', 'settings.json'));
  const csEnv = {
    ...process.env,
    MI_E2E_MARK: MARK,
    XDG_CONFIG_HOME: join(R, 'xdg-config'),
    XDG_DATA_HOME: join(R, 'xdg-data'),
    XDG_CACHE_HOME: join(R, 'xdg-cache'),
    // an empty gallery URL keeps code-server away from open-vsx.org (no network here)
    EXTENSIONS_GALLERY: '{"serviceUrl":""}',
  };
  const csCommon = ['--config', join(R, 'config.yaml'), '--user-data-dir', ud, '--extensions-dir', join(R, 'exts')];
  await timed('install VSIX', () => {
    const r = sh(CS_BIN, [...csCommon, '--install-extension', vsix, '--force'], { env: csEnv });
    writeFileSync(join(R, 'install.log'), r.stdout + r.stderr);
    if (!readdirSync(join(R, 'exts')).some((d) => d.startsWith('mi-studio.mi-studio-'))) {
      throw new Error(`VSIX not installed:\n${r.stdout}${r.stderr}`);
    }
  });

  // workspace template: test/e2e/workspace + examples/bandgap (without runs); suites copy it per window
  const wsTemplate = join(R, 'ws-template');
  cpSync(join(HERE, 'workspace'), wsTemplate, { recursive: true });
  const bandgap = join(ROOT, 'examples', 'bandgap');
  if (existsSync(bandgap)) {
    cpSync(bandgap, join(wsTemplate, 'bandgap'), { recursive: true, filter: (src) => !/[/\\]runs([/\\]|$)/.test(relative(bandgap, src)) && basename(src) !== 'runs' });
  }
  mkdirSync(join(R, 'ws'), { recursive: true });

  const port = await freePort();
  await timed('code-server start', async () => {
    const out = openSync(join(R, 'cs.log'), 'a');
    // detached: true = setsid(): code-server, its extension hosts, file watchers and our worker processes share one
    // process group that teardown kills as a whole (killing only the pid leaves extension hosts running for hours)
    const child = spawn(CS_BIN, [...csCommon, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
      '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', join(R, 'ws')],
    { env: csEnv, detached: true, stdio: ['ignore', out, out] });
    groups.push({ name: 'code-server', pid: child.pid });
    child.unref();
    await waitHealthy(port, child);
  });

  const suitesDir = join(HERE, 'suites');
  let suites = readdirSync(suitesDir).filter((f) => f.endsWith('.test.mjs')).sort();
  if (filters.length) suites = suites.filter((s) => filters.some((f) => s.includes(f)));
  if (!suites.length) throw new Error(`no suites match ${filters.join(', ')}`);
  log(`suites: ${suites.join(', ')}`);

  const testEnv = {
    ...process.env,
    MI_E2E_MARK: MARK,
    MI_E2E_URL: `http://127.0.0.1:${port}`,
    MI_E2E_RUN_DIR: R,
    MI_E2E_WS_TEMPLATE: wsTemplate,
    MI_E2E_PROFILE: ud,
    MI_E2E_RESULTS: RESULTS,
    MI_ROOT: ROOT,
  };
  let output = '';
  let timedOut = false;
  const rc = await timed('suites', () => new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...(grep ? [`--test-name-pattern=${grep}`] : []), ...suites.map((s) => join(suitesDir, s))],
      { cwd: ROOT, env: testEnv, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    groups.push({ name: 'node --test', pid: child.pid });
    child.stdout.on('data', (d) => { output += d; process.stdout.write(d); });
    const timer = setTimeout(() => {
      timedOut = true;
      process.stderr.write(`\n[e2e] suites exceeded ${SUITE_TIMEOUT_MS} ms: killing them\n`);
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000).unref();
    }, SUITE_TIMEOUT_MS);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve(code ?? (signal ? 1 : 0)); });
  }));

  const clean = await timed('teardown', teardown);
  if (exiting) return new Promise(() => {}); // a signal handler owns the exit now
  saveLogs();
  if (flag('--keep')) log(`kept ${R}`); else removeRunDir();
  log(`timings ms: ${JSON.stringify(timings)}; total ${Date.now() - T0} ms; artifacts in ${relative(ROOT, RESULTS)}/`);
  if (!clean) process.stderr.write('[e2e] FAIL: processes survived teardown (see above)\n');
  const summary = summaryOf(output);
  if (summary) process.stdout.write(`\n${summary}\n`);
  if (timedOut) process.stdout.write(`[e2e] FAIL: suites killed after MI_E2E_TIMEOUT_MS=${SUITE_TIMEOUT_MS} ms\n`);
  else if (!summary) process.stdout.write(`[e2e] FAIL: node --test ended without a summary (exit ${rc})\n`);
  return rc !== 0 || timedOut ? rc || 1 : clean ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    process.stderr.write(`\n[e2e] FAIL: ${e?.stack ?? e}\n`);
    const clean = await teardown().catch(() => false);
    if (exiting) return; // a signal handler owns the exit now
    saveLogs();
    removeRunDir();
    if (!clean) process.stderr.write('[e2e] FAIL: processes survived teardown (see above)\n');
    process.exit(1);
  },
);
