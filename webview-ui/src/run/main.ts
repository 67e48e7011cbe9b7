/** Entry of the run results custom editor webview (dist/webview/run.js). */
import type { HostToRunView, RunRequests } from '../../../src/protocol/webview';
import { adoptCss, h } from '../shared/dom';
import { getVsCodeApi, HostChannel } from '../shared/host';
import { baseCss } from '../shared/styles';
import { onThemeChange } from '../shared/theme';
import { RunView } from './view';

adoptCss(baseCss);
const host = new HostChannel<RunRequests>(getVsCodeApi());
const root = document.getElementById('root') ?? document.body.appendChild(h('main', { id: 'root' }));
let view: RunView | undefined;

window.addEventListener('message', (ev: MessageEvent) => {
  const m = ev.data as HostToRunView;
  if (host.handleReply(m)) return;
  try {
    switch (m.type) {
      case 'init':
        view = new RunView(root, m.data, { mode: 'tabs', host, canEdit: m.canEdit, ...(m.state ? { initialState: m.state } : {}) });
        break;
      case 'update':
        if (view) view.update(m.data);
        else view = new RunView(root, m.data, { mode: 'tabs', host, canEdit: true });
        break;
      case 'curve':
        view?.appendCurve(m.points, m.status);
        break;
      case 'progress':
        view?.setProgress(m.progress);
        break;
    }
  } catch (e) {
    root.append(h('p', { class: 'error', role: 'alert' }, `Could not render the run: ${(e as Error).message}`));
    host.post({ type: 'error', message: (e as Error).stack ?? String(e) });
  }
});
onThemeChange(() => view?.retheme());
host.post({ type: 'ready' });
