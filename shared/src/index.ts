export * from './errors';
export * from './config';
export * from './html';
export * from './time';
