/** Command, view and editor ids. Titles live in package.json; these ids are a contract with keybindings and tests. */
export const Commands = {
  train: 'miStudio.train',
  suggest: 'miStudio.suggest',
  simulate: 'miStudio.simulate',
  pretrain: 'miStudio.pretrain',
  cancelRun: 'miStudio.cancelRun',
  openLatestRun: 'miStudio.openLatestRun',
  newExperimentFromDataset: 'miStudio.newExperimentFromDataset',
  validateSpec: 'miStudio.validateSpec',
  showLog: 'miStudio.showLog',
  openDatasetViewer: 'miStudio.openDatasetViewer',
} as const;

export const Editors = {
  runResults: 'miStudio.runResults',
  datasetViewer: 'miStudio.datasetViewer',
} as const;

export const LANGUAGE_ID = 'mi-yaml';

/** Setting keys contributed in package.json (`contributes.configuration`). */
export const Settings = {
  maxConcurrentRuns: 'miStudio.maxConcurrentRuns',
  validationDebounceMs: 'miStudio.validation.debounceMs',
  allowPathsOutsideWorkspace: 'miStudio.allowPathsOutsideWorkspace',
} as const;
