/**
 * The webview side of the host connection: `acquireVsCodeApi()` in VS Code, a shim in the static report.
 * `request()` sends a typed request with an id and resolves with the host's reply.
 */
import type { Reply } from '../../../src/protocol/webview';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function getVsCodeApi(): VsCodeApi {
  if (typeof acquireVsCodeApi === 'function') return acquireVsCodeApi();
  // Outside VS Code (static report, plain browser): nothing to post to; state lives in memory.
  let state: unknown;
  return { postMessage: () => undefined, getState: () => state, setState: (s) => (state = s) };
}

export class HostChannel<Req extends { [K in keyof Req]: { params: unknown; result: unknown } }> {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  constructor(readonly api: VsCodeApi) {}

  post(message: unknown): void {
    this.api.postMessage(message);
  }

  request<K extends keyof Req & string>(method: K, params: Req[K]['params']): Promise<Req[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.api.postMessage({ type: 'request', id, method, params });
    });
  }

  /** Returns true when the message was a reply (and was consumed). */
  handleReply(m: unknown): boolean {
    const r = m as Reply;
    if (!r || r.type !== 'reply') return false;
    const p = this.pending.get(r.id);
    if (!p) return true;
    this.pending.delete(r.id);
    if (r.ok) p.resolve(r.result);
    else p.reject(new Error(r.error));
    return true;
  }
}
