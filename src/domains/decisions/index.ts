export * from './decisions.types.ts';
