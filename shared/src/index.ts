export * from './api';
export * from './auth';
export * from './errors';
export * from './ids';
export * from './limits';
export * from './search';
export * from './text';
