import type { StoreMigration } from '../platform/db/migrator.ts';
import { platformMigration } from './0001-platform.ts';
import { catalogMigration } from './0002-catalog.ts';
import { inventoryMigration } from './0003-inventory.ts';
import { policiesMigration } from './0004-policies.ts';
import { idempotencyMigration } from './0005-idempotency.ts';
import { ordersMigration } from './0006-orders.ts';
import { fulfillmentMigration } from './0008-fulfillment.ts';
import { decisionsMigration } from './0007-decisions.ts';
import { procurementMigration } from './0012-procurement.ts';
import { shipmentsMigration } from './0009-shipments.ts';
import { invoicesMigration } from './0010-invoices.ts';
import { returnsMigration } from './0011-returns.ts';
import { orderThroughputMigration } from './0013-order-throughput.ts';
import { exceptionsMigration } from './0014-exceptions.ts';
import { orderTransfersMigration } from './0015-order-transfers.ts';
import { receivablesMigration } from './0016-receivables.ts';
import { webhooksMigration } from './0017-webhooks.ts';
import { filesMigration } from './0018-files.ts';
import { processMigration } from './0019-process.ts';
import { ediMigration } from './0020-edi.ts';
import { integrationsConsoleMigration } from './0023-integrations-console.ts';
import { reconciliationClearingMigration } from './0024-reconciliation-clearing.ts';
import { outboxDispatchMigration } from './0027-outbox-dispatch.ts';
import { reservationsBySkuMigration } from './0028-reservations-by-sku.ts';
import { decisionsByOrderMigration } from './0029-decisions-by-order.ts';
import { outboxPendingMigration } from './0030-outbox-pending.ts';
import { processLogFollowsMigration } from './0031-process-log-follows.ts';
import { customerOpenOrdersMigration } from './0032-customer-open-orders.ts';

/** Every migration, in the order it applies. Names sort in the same order. */
export const allMigrations: readonly StoreMigration[] = [
  platformMigration,
  catalogMigration,
  inventoryMigration,
  policiesMigration,
  idempotencyMigration,
  ordersMigration,
  decisionsMigration,
  fulfillmentMigration,
  shipmentsMigration,
  invoicesMigration,
  returnsMigration,
  procurementMigration,
  orderThroughputMigration,
  exceptionsMigration,
  orderTransfersMigration,
  receivablesMigration,
  webhooksMigration,
  filesMigration,
  processMigration,
  ediMigration,
  integrationsConsoleMigration,
  reconciliationClearingMigration,
  outboxDispatchMigration,
  reservationsBySkuMigration,
  decisionsByOrderMigration,
  outboxPendingMigration,
  processLogFollowsMigration,
  customerOpenOrdersMigration,
];
