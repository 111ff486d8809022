/**
 * EDI with trading partners over X12: partner profiles (in the catalog), control numbers per
 * partner, 850s in as canonical orders through the inbox, acknowledgements out and in, 855s out on
 * allocation decisions, 810s on invoices, 856s on shipments; with 3PLs, 940s out on releases and
 * 945s in as shipment confirmations. See docs/edi.md.
 */
import type { CatalogService } from '../../domains/catalog/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import type { OrderStore } from '../../domains/orders/index.ts';
import type { OutboxService } from '../../platform/outbox/index.ts';
import type { InboxService } from '../../platform/inbox/index.ts';
import type { FulfillmentService } from '../../domains/fulfillment/index.ts';
import type { FileConnector, Folder } from '../files/index.ts';
import { registerEdiDocuments, registerEdiInvoices, type EdiDocumentDeps } from './edi.documents.ts';
import { createX12FileParser } from './edi.inbound.ts';
import { createEdiOutbound, type EdiOutbound } from './edi.outbound.ts';
import { registerShipAdviceHandler, type ShipAdviceHandlerDeps } from './shipAdvice945.inbound.ts';
import { registerShipNotice856 } from './shipNotice856.documents.ts';
import { registerWarehouse940 } from './warehouse940.documents.ts';
import { EDI_SHIP_NOTICE_MESSAGE, shipNoticeHandler } from './asn856.inbound.ts';
import type { SupplyHandlerDeps } from './asn856.support.ts';
import { EDI_RECEIPT_ADVICE_MESSAGE, receiptAdviceHandler } from './receipt944.inbound.ts';
import { createAvailabilityAdvice, type AvailabilityAdviceDeps, type AvailabilityAdviceService } from './availability846.ts';

export { ediInvoiceFrom, invoiceSegments, readInvoice, type EdiInvoice, type EdiInvoiceLine } from './invoice810.mapper.ts';
export { poAckFromOrder, poAckSegments, readPoAck, type PoAcknowledgement, type PoAckLine } from './poack855.mapper.ts';
export { mapPo850, type Po850Context, type Po850Result, type EdiProblem } from './po850.mapper.ts';
export { type EdiOutbound } from './edi.outbound.ts';
export { trackFunctionalAck } from './edi.acks.ts';
export { nextControlNumbers, outboundGroups } from './edi.repo.ts';
export { mapAsn856, type SupplierShipNotice, type SupplierShipNoticeLine } from './asn856.mapper.ts';
export { EDI_SHIP_NOTICE_MESSAGE } from './asn856.inbound.ts';
export { type SupplySteps } from './asn856.support.ts';
export { mapReceipt944, type ReceiptAdvice } from './receipt944.mapper.ts';
export { EDI_RECEIPT_ADVICE_MESSAGE, transferNumberFor } from './receipt944.inbound.ts';
export { mapInventory846, type InventoryAdvice } from './inventory846.mapper.ts';
export { availabilityFrom, availabilitySegments, readAvailability, type AvailabilityAdvice } from './availability846.mapper.ts';
export { registerEdiAvailabilityRoutes } from './availability846.routes.ts';
export { depositorOrderNumber, readWarehouseOrder, requestIdOf, warehouseOrderFrom, warehouseOrderSegments, type WarehouseOrder, type WarehouseOrderLine } from './warehouse940.mapper.ts';
export { mapShipAdvice945, shipAdviceSegments } from './shipAdvice945.mapper.ts';
export { SHIP_ADVICE_MESSAGE } from './shipAdvice945.inbound.ts';
export { readShipNotice, shipNoticeFrom, shipNoticeSegments, type ShipNotice, type ShipNoticeLine } from './shipNotice856.mapper.ts';

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
  /** 945s confirm shipments through the inbox, in its transaction. */
  inbox: InboxService;
  shipments: ShipAdviceHandlerDeps['shipments'];
  /** Cancellations name a fulfillment request, read to send the 3PL what is left of it. */
  fulfillment: Pick<FulfillmentService, 'getRequest'>;
  /** Supplier 856s and warehouse 944s run these procurement steps inside the inbox's transaction. */
  procurement: SupplyHandlerDeps['procurement'];
  replenishment: SupplyHandlerDeps['replenishment'];
  /** ATP for the 846 we send partners. */
  atp: AvailabilityAdviceDeps['atp'];
  /** Estimates for backordered lines, which the 855 dates (ACK04 068). */
  backorderEstimates?: EdiDocumentDeps['backorderEstimates'];
}

export interface EdiConnector {
  outbound: EdiOutbound;
  /** The 846 out (`POST /v1/edi/partners/:code/availability`). */
  availability: AvailabilityAdviceService;
}

/** Builds the EDI connector and registers its parser for `x12` folders. */
export function createEdiConnector(deps: EdiConnectorDeps): EdiConnector {
  const folderFor = (partnerCode: string) => deps.folders.find((f) => f.kind === 'x12' && f.partnerCode === partnerCode)?.name;
  const outbound = createEdiOutbound({ db: deps.db, clock: deps.clock, files: deps.files, folderFor, self: deps.self ?? { qualifier: 'ZZ', id: 'CROSSDOCK' } });
  deps.files.registerKind('x12', createX12FileParser({ db: deps.db, clock: deps.clock, catalog: deps.catalog, outbound }));
  const documentDeps = {
    clock: deps.clock,
    catalog: deps.catalog,
    orders: deps.orders,
    outbox: deps.outbox,
    outbound,
    hasFolder: (code: string) => folderFor(code) !== undefined,
    ...(deps.backorderEstimates && { backorderEstimates: deps.backorderEstimates }),
  };
  registerEdiDocuments(documentDeps);
  registerEdiInvoices(documentDeps);
  registerWarehouse940({ ...documentDeps, fulfillment: deps.fulfillment });
  registerShipNotice856(documentDeps);
  registerShipAdviceHandler(deps.inbox, { catalog: deps.catalog, shipments: deps.shipments });
  const supplyDeps = { catalog: deps.catalog, procurement: deps.procurement, replenishment: deps.replenishment };
  deps.inbox.registerHandler(EDI_SHIP_NOTICE_MESSAGE, shipNoticeHandler(supplyDeps));
  deps.inbox.registerHandler(EDI_RECEIPT_ADVICE_MESSAGE, receiptAdviceHandler(supplyDeps));
  const availability = createAvailabilityAdvice({ clock: deps.clock, catalog: deps.catalog, atp: deps.atp, outbound, hasFolder: documentDeps.hasFolder });
  return { outbound, availability };
}
