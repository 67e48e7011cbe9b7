import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInside } from '../../../src/core/run/contain';

test('resolveInside: keeps paths inside the root, refuses traversal, absolute paths and escaping symlinks', () => {
  const root = mkdtempSync(join(tmpdir(), 'contain-'));
  mkdirSync(join(root, 'model'));
  writeFileSync(join(root, 'predictions.csv'), 'x\n');
  symlinkSync('/etc/passwd', join(root, 'evil.csv'));
  symlinkSync(join(root, 'predictions.csv'), join(root, 'ok-link.csv'));
  assert.equal(resolveInside(root, 'predictions.csv'), join(root, 'predictions.csv'));
  assert.equal(resolveInside(root, 'model/'), join(root, 'model'));
  assert.equal(resolveInside(root, 'not-yet.csv'), join(root, 'not-yet.csv'));
  assert.equal(resolveInside(root, 'ok-link.csv'), join(root, 'ok-link.csv'));
  assert.equal(resolveInside(root, '../../../../etc/passwd'), null);
  assert.equal(resolveInside(root, '/etc/passwd'), null);
  assert.equal(resolveInside(root, 'evil.csv'), null);
  assert.equal(resolveInside(root, 'a\0b'), null);
  assert.equal(resolveInside(root, ''), null);
});
