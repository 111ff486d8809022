export * from './exceptions.types.ts';
