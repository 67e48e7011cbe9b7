export * from './dense';
export * from './lbfgsb';
export * from './random';
