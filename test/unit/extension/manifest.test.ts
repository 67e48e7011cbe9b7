import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands, Editors, LANGUAGE_ID, Settings } from '../../../src/extension/ids';

const root = process.env.MI_ROOT ?? process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const c = pkg.contributes;

test('every command id of ids.ts is contributed with category "MI Studio" and its exact title', () => {
  const titles: Record<string, string> = {
    [Commands.train]: 'Train',
    [Commands.suggest]: 'Suggest Next Experiments',
    [Commands.simulate]: 'Simulate Campaign',
    [Commands.pretrain]: 'Pretrain Source Models',
    [Commands.cancelRun]: 'Cancel Run',
    [Commands.openLatestRun]: 'Open Latest Run',
    [Commands.newExperimentFromDataset]: 'New Experiment from Dataset',
    [Commands.validateSpec]: 'Validate Spec',
    [Commands.showLog]: 'Show Log',
    [Commands.openDatasetViewer]: 'Open in MI Dataset Viewer',
  };
  assert.deepEqual(Object.keys(titles).sort(), Object.values(Commands).slice().sort());
  const contributed = new Map<string, { title: string; category: string }>(c.commands.map((x: { command: string }) => [x.command, x]));
  for (const [id, title] of Object.entries(titles)) {
    assert.equal(contributed.get(id)?.title, title, id);
    assert.equal(contributed.get(id)?.category, 'MI Studio', id);
  }
});

test('run commands are refused in Restricted Mode with an explanation; the capability explains it', () => {
  // Not greyed out with `enablement`: the palette entry must stay clickable so the user gets the explanation
  // (the runs module checks workspace trust before starting anything).
  for (const id of [Commands.train, Commands.suggest, Commands.simulate]) {
    assert.equal(c.commands.find((x: { command: string }) => x.command === id).enablement, undefined, id);
  }
  const runs = readFileSync(join(root, 'src/extension/runs/index.ts'), 'utf8');
  assert.match(runs, /if \(vscode\.workspace\.isTrusted\) return true;/);
  assert.match(runs, /Restricted Mode/);
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces, {
    supported: 'limited',
    description: 'Training, suggestions and simulations are disabled in Restricted Mode; viewers work.',
    restrictedConfigurations: [],
  });
});

test('menus: editor title and explorer entries for specs and CSV/TSV; every menu command exists', () => {
  const ids = new Set(c.commands.map((x: { command: string }) => x.command));
  for (const [menu, entries] of Object.entries(c.menus) as [string, { command: string; when?: string }[]][]) {
    for (const e of entries) assert.ok(ids.has(e.command), `${menu}: ${e.command}`);
  }
  const when = (menu: string, id: string) => c.menus[menu].find((e: { command: string }) => e.command === id)?.when ?? '';
  assert.match(when('editor/title', Commands.train), /resourceLangId == mi-yaml/);
  assert.match(when('editor/title', Commands.openDatasetViewer), /csv\|tsv/);
  assert.match(when('explorer/context', Commands.train), /mi\\\.yaml/);
  assert.match(when('explorer/context', Commands.newExperimentFromDataset), /csv\|tsv/);
  assert.match(when('commandPalette', Commands.train), /resourceLangId == mi-yaml/);
  // the CSV/TSV regex of the when-clauses really matches data files (case-insensitive) and nothing else
  const re = /\.(csv|tsv)$/i;
  assert.ok(re.test('.csv') && re.test('.TSV') && !re.test('.yaml'));
});

test('language, grammar, custom editors, activation events and settings', () => {
  assert.deepEqual(c.languages[0], {
    id: LANGUAGE_ID, aliases: ['MI Spec', 'mi-yaml'], extensions: ['.mi.yaml'], filenamePatterns: ['*.mi.yaml'],
    configuration: './language-configuration.json',
  });
  assert.deepEqual(c.grammars[0], { language: LANGUAGE_ID, scopeName: 'source.mi-yaml', path: './syntaxes/mi-yaml.tmLanguage.json' });
  const ed = new Map(c.customEditors.map((e: { viewType: string }) => [e.viewType, e]));
  assert.deepEqual(ed.get(Editors.runResults), { viewType: Editors.runResults, displayName: 'MI Run Results', selector: [{ filenamePattern: '*.mirun.json' }], priority: 'default' });
  assert.deepEqual(ed.get(Editors.datasetViewer), { viewType: Editors.datasetViewer, displayName: 'MI Dataset Viewer', selector: [{ filenamePattern: '*.csv' }, { filenamePattern: '*.tsv' }], priority: 'option' });
  for (const ev of ['onLanguage:mi-yaml', 'workspaceContains:**/*.mi.yaml', `onCustomEditor:${Editors.runResults}`, `onCustomEditor:${Editors.datasetViewer}`]) {
    assert.ok(pkg.activationEvents.includes(ev), ev);
  }
  const props = c.configuration.properties;
  assert.equal(props[Settings.maxConcurrentRuns].default, 2);
  assert.equal(props[Settings.maxConcurrentRuns].type, 'number');
  assert.equal(props[Settings.validationDebounceMs].default, 300);
});
