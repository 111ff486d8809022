export * from './inventory.types.ts';
