export * from './finance.types.ts';
