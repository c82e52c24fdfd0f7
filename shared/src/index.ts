export * from './api';
export * from './auth';
export * from './errors';
export * from './ids';
export * from './limits';
export * from './reply';
export * from './replyFold';
export * from './text';
