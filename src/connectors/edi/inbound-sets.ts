import type { InboundSet } from './inbound.support.ts';
import { purchaseOrder850 } from './po850.inbound.ts';

/** The transaction sets we take in, by set id; any other set is reported as not supported. */
export const inboundSets: Readonly<Record<string, InboundSet>> = {
  '850': purchaseOrder850,
};
