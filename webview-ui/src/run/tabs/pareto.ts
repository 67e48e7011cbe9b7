/** Pareto tab: shown when the run has two objectives (maximize / minimize targets). */
import { buildPareto, objectives } from '../charts/pareto';
import type { RunTab } from '../context';

export const paretoTab: RunTab = {
  id: 'pareto',
  order: 30,
  title: () => 'Pareto',
  available: (d) => objectives(d.manifest.targets).length >= 2,
  build: buildPareto,
};
