import type { CatalogService, TradingPartner } from '../../domains/catalog/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import type { FileParseItem, FileProblem } from '../files/index.ts';
import type { X12TransactionSet } from '../x12/index.ts';
import type { X12Document } from '../../domains/catalog/index.ts';
import type { EdiOutbound } from './edi.outbound.ts';

/** What the inbound reader and every inbound transaction set share. */

export interface EdiInboundDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  outbound: EdiOutbound;
}

/**
 * How one transaction set is taken in: the partner-profile document that enables it, a name for
 * reports, and the mapping that turns an accepted set into inbox messages or problems.
 */
export interface InboundSet {
  document: X12Document;
  name: string;
  take(deps: EdiInboundDeps, partner: TradingPartner, label: string, set: X12TransactionSet): AsyncGenerator<FileParseItem>;
}

export const JSON_TYPE = 'application/json';

export const problem = (p: FileProblem): FileParseItem => ({ kind: 'problem', problem: p });
