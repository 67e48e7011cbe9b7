/** Experiment spec (`*.mi.yaml`): types, schema, validation and loading. */
export * from './types';
export { specSchema, schemaAt, resolveRef, type JsonSchema } from './schema';
export { validateSpecText, loadSpec, applyDefaults, defaultSpecName, type ValidateOptions } from './validate';
export { resolveSpecPath } from './paths';
export { parseLinearConstraint, type LinearConstraint, type ConstraintParse } from './constraints';
export { DESCRIPTORS_BY_KIND } from './semantic';
export { closest, editDistance } from './suggest';
export type { DataReader, DataProbe } from './dataProbe';
