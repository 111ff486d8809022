export * from './fulfillment.types.ts';
