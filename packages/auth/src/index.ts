export * from './principal';
export * from './keys';
export * from './context-token';
export * from './access-token';
export * from './rules';
export * from './api-key';
export * from './permission-matrix';
