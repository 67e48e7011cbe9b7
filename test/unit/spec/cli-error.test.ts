/** The CLI's top-level error line: a spec position prints as file:line:col, a data column by name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MiError } from '../../../src/core/diagnostics';
import { formatCliError } from '../../../src/cli/errors';

test('a numeric column is the spec position (file:line:col), a string column names the data column', () => {
  const spec = formatCliError(new MiError('the goal reaches beyond the grid', { file: 'a.mi.yaml', line: 15, column: 40, hint: 'shrink over' }));
  assert.equal(spec, 'error: a.mi.yaml:15:40: the goal reaches beyond the grid\n  hint: shrink over\n');
  const data = formatCliError(new MiError('not a number', { file: 'd.csv', line: 3, column: 'x1' }));
  assert.equal(data, 'error: d.csv:3: column "x1": not a number\n');
  assert.match(formatCliError(new Error('boom')), /^error: Error: boom\n\s+at /);
});
