export * from './build-subgraph';
export * from './subgraph-server';
export * from './error-plugin';
export * from './run-subgraph';
export * from './run-main';
export * from './periodic';
