export * from './load-config';
export * as vars from './variables';
