// Activation: MI Studio must start when a .mi.yaml is opened, and not before (in a folder without specs or CSVs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSession, waitForActivation, openFile, screenshot, sleep } from '../helpers.mjs';

const GOOD = `version: 1
name: late
dataset:
  path: data.csv
  inputs:
    - column: x
      kind: numeric
  targets:
    - column: y
      goal: maximize
model: {type: gp}
`;

test('extension activates when a .mi.yaml file is opened (not before)', async () => {
  // a folder with no spec and no CSV: nothing may activate MI Studio at start-up
  const s = await openSession('activation', { empty: true, files: { 'notes.txt': 'nothing here\n' } });
  try {
    // start-up activations (incl. workspaceContains searches) are over once the host logs "Eager extensions activated"
    for (let i = 0; i < 120 && !/Eager extensions activated/.test(s.exthostLog()); i++) await sleep(250);
    assert.match(s.exthostLog(), /Eager extensions activated/, 'extension host did not finish start-up');
    await sleep(1000);
    assert.doesNotMatch(s.exthostLog(), /_doActivateExtension mi-studio\.mi-studio/, 'activated before any .mi.yaml was opened');
    // the spec appears after start-up, so only opening it (onLanguage:mi-yaml) can activate the extension
    writeFileSync(join(s.ws, 'data.csv'), 'x,y\n1,2\n2,3\n3,5\n');
    writeFileSync(join(s.ws, 'late.mi.yaml'), GOOD);
    await openFile(s.page, 'late.mi.yaml');
    const event = await waitForActivation(s);
    assert.equal(event, 'onLanguage:mi-yaml');
    await screenshot(s.page, 'language-01-activated');
  } catch (e) {
    await screenshot(s.page, 'FAIL-activation');
    throw e;
  } finally {
    await s.close();
  }
});
