import type { PlatformTables } from './platform/db/platform.tables.ts';
import type { CatalogTables } from './domains/catalog/catalog.tables.ts';
import type { InventoryTables } from './domains/inventory/inventory.tables.ts';
import type { PolicyTables } from './domains/policies/policies.tables.ts';
import type { OrderTables } from './domains/orders/orders.tables.ts';
import type { FulfillmentTables } from './domains/fulfillment/fulfillment.tables.ts';
import type { IdempotencyTables } from './platform/idempotency/idempotency.tables.ts';
import type { DecisionTables } from './domains/decisions/decisions.tables.ts';
import type { ProcurementTables } from './domains/procurement/procurement.tables.ts';
import type { ShipmentTables } from './domains/fulfillment/shipments.tables.ts';
import type { InvoiceTables } from './domains/finance/invoices.tables.ts';
import type { CreditTables } from './domains/finance/credit.tables.ts';
import type { ReturnTables } from './domains/returns/returns.tables.ts';
import type { CreditMemoTables } from './domains/finance/credit-memos.tables.ts';
import type { ExceptionTables } from './domains/exceptions/exceptions.tables.ts';
import type { ReceivableTables } from './domains/finance/receivables.tables.ts';
import type { WebhookTables } from './connectors/webhooks/webhooks.tables.ts';
import type { FileTables } from './connectors/files/files.tables.ts';
import type { ProcessTables } from './domains/process/process.tables.ts';
import type { EdiTables } from './connectors/edi/edi.tables.ts';
import type { InboxAuditTables } from './platform/inbox/inbox.tables.ts';

/**
 * Every table the hub owns, for Kysely's typing. Each domain declares its own row types; this file
 * only joins them, and only as types.
 */
export interface Database extends PlatformTables, CatalogTables, InventoryTables, PolicyTables, OrderTables, FulfillmentTables, IdempotencyTables, DecisionTables, ShipmentTables, InvoiceTables, CreditTables, ProcurementTables, ReturnTables, CreditMemoTables, ExceptionTables, ReceivableTables, WebhookTables, FileTables, ProcessTables, EdiTables, InboxAuditTables {}
