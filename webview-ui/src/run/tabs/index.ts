/**
 * Every tab of the run view, registered in one place. A new tab (or chart) is a new file in this folder (or ../charts/)
 * plus ONE line here, e.g. `registerTab(transferTab);` — see docs/views.md "Adding a tab".
 */
import { registerTab, registeredTabs } from './registry';
import { overviewTab } from './overview';
import { suggestionsTab } from './suggestions';
import { landscapeTab } from './landscape';
import { paretoTab } from './pareto';
import { simulationTab } from './simulation';
import { transferTab } from './transfer';
import { curvesTab } from './curves';

registerTab(overviewTab);
registerTab(suggestionsTab);
registerTab(landscapeTab);
registerTab(paretoTab);
registerTab(simulationTab);
registerTab(transferTab);
registerTab(curvesTab);

export { registerTab, registeredTabs };
