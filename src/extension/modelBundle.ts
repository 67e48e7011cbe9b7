/**
 * Entry of `dist/models.js`: the engine's model loader, bundled apart from `dist/extension.js` because it pulls in
 * TensorFlow.js (≈ 5 MB). The extension host `require`s it on the first request that needs a saved model (an on-demand
 * landscape map), so activation stays light. Pure engine code: no `vscode`.
 * The transfer loader is a superset of the engine's `loadModel`: it also restores a transfer run's saved model (auto's
 * pick, the transfer GP, fine-tuned heads, column subsets, averages), so maps over any pair work for transfer runs too.
 */
export { loadTransferModel as loadModel } from '../core/transfer/models';
