import 'reflect-metadata';

export * from './database';
export * from './factories';
export * from './stack';
export * from './fixture';
export * from './placeholder';
export * from './client';
export * from './dns-server';
export * from './redis';
