export * from './codes';
export * from './tenantry-error';
export * from './mask-error';
