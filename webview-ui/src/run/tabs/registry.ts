/** The tab registry of the run view: tabs register themselves here (see ./index.ts), the view lists them by order. */
import type { RunTab } from '../context';

const tabs: RunTab[] = [];

export function registerTab(tab: RunTab): void {
  const i = tabs.findIndex((t) => t.id === tab.id);
  if (i >= 0) tabs.splice(i, 1);
  tabs.push(tab);
  tabs.sort((a, b) => a.order - b.order);
}

export function registeredTabs(): readonly RunTab[] {
  return tabs;
}
