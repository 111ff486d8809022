export * from './procurement.types.ts';
