// The .mi.yaml language in a real VS Code: activation on open, language mode, live diagnostics, completion, hover.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  openSession, waitForActivation, openFile, languageMode, waitForProblems, squiggleLines, goToLine, triggerSuggest,
  hoverText, screenshot, onFailScreenshot, escape, sleep,
} from '../helpers.mjs';

let s;
const t = (title, fn, opts) => test(title, opts ?? {}, onFailScreenshot(() => s, title, fn));
before(async () => { s = await openSession('language'); });
after(() => s?.close());

t('language mode of a .mi.yaml editor is "MI Spec"', async () => {
  await openFile(s.page, 'good.mi.yaml');
  await s.page.locator('#status\\.editor\\.mode', { hasText: 'MI Spec' }).waitFor({ timeout: 15_000 });
  assert.equal(await languageMode(s.page), 'MI Spec');
  await waitForActivation(s);
});

t('a valid spec has no problems', async () => {
  await openFile(s.page, 'good.mi.yaml');
  const c = await waitForProblems(s.page, (p) => p.errors === 0, { timeout: 20_000 });
  assert.equal(c.errors, 0);
  await sleep(1500); // diagnostics are debounced: make sure none arrive late
  assert.equal((await waitForProblems(s.page, () => true)).errors, 0);
});

t('unknown column: error in Problems and a squiggle on line 8', async () => {
  await openFile(s.page, 'unknown-column.mi.yaml');
  const c = await waitForProblems(s.page, (p) => p.errors >= 1, { timeout: 30_000 });
  assert.ok(c.errors >= 1, `errors=${c.errors}`);
  let lines = [];
  for (let i = 0; i < 40 && !lines.includes(8); i++) { lines = await squiggleLines(s.page); await sleep(250); }
  assert.deepEqual(lines, [8], `error squiggles on lines ${JSON.stringify(lines)}`);
  // the hover on the squiggle names the bad column and suggests the right one
  const hover = await hoverText(s.page, 8, 'formla');
  assert.match(hover, /formla/);
  assert.match(hover, /formula/, 'no "did you mean formula" hint');
  await screenshot(s.page, 'language-02-unknown-column');
  await escape(s.page);
});

t('completion inside column: offers the dataset columns', async () => {
  await openFile(s.page, 'good.mi.yaml');
  // line 12 is "    - column: gap"; select the value and ask for completions there
  await goToLine(s.page, 12, 15);
  await s.page.keyboard.press('Shift+End');
  await s.page.keyboard.press('Delete');
  const labels = await triggerSuggest(s.page, { expect: ['id', 'formula', 'gap'] });
  await screenshot(s.page, 'language-03-column-completion');
  for (const c of ['id', 'formula', 'gap']) assert.ok(labels.includes(c), `completion labels ${JSON.stringify(labels)} lack ${c}`);
  await escape(s.page);
  await s.page.keyboard.press('Control+Z');
});

t('hover over a key shows the schema description', async () => {
  // the text must come from the bundled JSON schema (schemas/mi-spec.schema.json), not from anywhere else
  const schema = JSON.parse(readFileSync(join(process.env.MI_ROOT, 'schemas', 'mi-spec.schema.json'), 'utf8'));
  const description = schema.properties.model.description;
  assert.ok(description, 'schema has no description for "model"');
  await openFile(s.page, 'good.mi.yaml');
  await escape(s.page);
  const text = await hoverText(s.page, 15, 'model');
  await screenshot(s.page, 'language-04-hover');
  const words = (x) => x.replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();
  const firstSentence = words(description).split(/(?<=\.)\s/)[0];
  assert.ok(words(text).includes(firstSentence), `hover ${JSON.stringify(text)} lacks the schema text ${JSON.stringify(firstSentence)}`);
  await escape(s.page);
});
