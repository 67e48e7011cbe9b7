import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.env.MI_ROOT ?? process.cwd();

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const importsVscode = /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

for (const layer of ['src/core', 'src/cli', 'src/worker', 'src/protocol']) {
  test(`${layer} never imports vscode`, () => {
    const offenders = tsFiles(join(root, layer)).filter((f) => importsVscode.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });
}

test('the vscode-import detector catches all three import forms', () => {
  assert.ok(importsVscode.test(`import * as vscode from 'vscode';`));
  assert.ok(importsVscode.test(`const v = require("vscode");`));
  assert.ok(importsVscode.test(`await import('vscode')`));
  assert.ok(!importsVscode.test(`import { x } from './vscode-helpers';`));
});
