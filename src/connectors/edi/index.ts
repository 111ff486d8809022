/**
 * EDI with trading partners over X12: partner profiles (in the catalog), control numbers per
 * partner, 850s in as canonical orders through the inbox, acknowledgements out and in, 855s out on
 * allocation decisions. See docs/edi.md.
 */
import type { CatalogService } from '../../domains/catalog/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import type { OrderStore } from '../../domains/orders/index.ts';
import type { OutboxService } from '../../platform/outbox/index.ts';
import type { FileConnector, Folder } from '../files/index.ts';
import { registerEdiDocuments, registerEdiInvoices } from './edi.documents.ts';
import { createX12FileParser } from './edi.inbound.ts';
import { createEdiOutbound, type EdiOutbound } from './edi.outbound.ts';

export { ediInvoiceFrom, invoiceSegments, readInvoice, type EdiInvoice, type EdiInvoiceLine } from './invoice810.mapper.ts';
export { poAckFromOrder, poAckSegments, readPoAck, type PoAcknowledgement, type PoAckLine } from './poack855.mapper.ts';
export { mapPo850, type Po850Context, type Po850Result, type EdiProblem } from './po850.mapper.ts';
export { type EdiOutbound } from './edi.outbound.ts';
export { trackFunctionalAck } from './edi.acks.ts';
export { nextControlNumbers, outboundGroups } from './edi.repo.ts';

export interface EdiConnectorDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  files: FileConnector;
  orders: OrderStore;
  outbox: OutboxService;
  /** The configured watched folders; a partner's X12 folder is where its documents are written. */
  folders: ReadonlyArray<Pick<Folder, 'name' | 'kind' | 'partnerCode'> | { name: string; kind: string; partnerCode?: string | null | undefined }>;
  /** Our ISA qualifier and id on documents we start (acknowledgements answer as whom they were sent to). */
  self?: { qualifier: string; id: string };
}

export interface EdiConnector {
  outbound: EdiOutbound;
}

/** Builds the EDI connector and registers its parser for `x12` folders. */
export function createEdiConnector(deps: EdiConnectorDeps): EdiConnector {
  const folderFor = (partnerCode: string) => deps.folders.find((f) => f.kind === 'x12' && f.partnerCode === partnerCode)?.name;
  const outbound = createEdiOutbound({ db: deps.db, clock: deps.clock, files: deps.files, folderFor, self: deps.self ?? { qualifier: 'ZZ', id: 'CROSSDOCK' } });
  deps.files.registerKind('x12', createX12FileParser({ db: deps.db, clock: deps.clock, catalog: deps.catalog, outbound }));
  const documentDeps = { clock: deps.clock, catalog: deps.catalog, orders: deps.orders, outbox: deps.outbox, outbound, hasFolder: (code: string) => folderFor(code) !== undefined };
  registerEdiDocuments(documentDeps);
  registerEdiInvoices(documentDeps);
  return { outbound };
}
