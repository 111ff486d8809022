export * from './returns.types.ts';
