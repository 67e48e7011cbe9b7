/** The worker's message throttle: logs at once, progress coalesced per interval (phase changes at once), curve points batched in order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Throttle } from '../../../src/worker/throttle';
import type { WorkerToHost } from '../../../src/protocol/worker';

test('progress is coalesced, phase changes and logs go out at once, metrics keep their order', async () => {
  const sent: WorkerToHost[] = [];
  const t = new Throttle('r', (m) => sent.push(m), 50);
  t.event({ type: 'progress', phase: 'cv', fraction: 0.1, message: 'a' }); // phase change: immediate
  for (let i = 0; i < 100; i++) t.event({ type: 'progress', phase: 'cv', fraction: 0.1 + i / 1000, message: `p${i}` });
  for (let i = 0; i < 5; i++) t.event({ type: 'curve', phase: 'cv', iteration: i, value: i });
  t.event({ type: 'log', level: 'info', message: 'hello' });
  assert.deepEqual(sent.map((m) => m.type), ['progress', 'log']);
  await new Promise((r) => setTimeout(r, 120));
  const metrics = sent.filter((m) => m.type === 'metric');
  assert.deepEqual(metrics.map((m) => (m.type === 'metric' ? m.iteration : -1)), [0, 1, 2, 3, 4]);
  const progress = sent.filter((m) => m.type === 'progress');
  assert.equal(progress.length, 2, 'the 100 intermediate updates became one');
  assert.equal(progress[1].type === 'progress' && progress[1].message, 'p99');
  assert.ok(sent.every((m) => m.id === 'r'));
  t.event({ type: 'progress', phase: 'fit', message: 'fit' });
  const last = sent.at(-1);
  assert.ok(last?.type === 'progress' && last.phase === 'fit', 'a new phase is sent immediately');
  t.dispose();
});
