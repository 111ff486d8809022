import type { InboundSet } from './inbound.support.ts';
import { purchaseOrder850 } from './po850.inbound.ts';
import { supplierShipNotice856 } from './asn856.inbound.ts';
import { receipt944 } from './receipt944.inbound.ts';
import { inventory846 } from './inventory846.inbound.ts';
import { shipAdvice945 } from './shipAdvice945.inbound.ts';

/** The transaction sets we take in, by set id; any other set is reported as not supported. */
export const inboundSets: Readonly<Record<string, InboundSet>> = {
  '850': purchaseOrder850,
  '856': supplierShipNotice856,
  '944': receipt944,
  '846': inventory846,
  '945': shipAdvice945,
};
