/**
 * Entry of `dist/models.js`: the engine's model loader, bundled apart from `dist/extension.js` because it pulls in
 * TensorFlow.js (≈ 5 MB). The extension host `require`s it on the first request that needs a saved model (an on-demand
 * landscape map), so activation stays light. Pure engine code: no `vscode`.
 */
export { loadModel } from '../core/models';
