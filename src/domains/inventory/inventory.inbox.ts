import { AppError } from '../../platform/errors.ts';
import { zodDetails } from '../../platform/http/error-handler.ts';
import type { InboxService } from '../../platform/inbox/index.ts';
import type { IngestService } from './ingest.service.ts';
import { inventoryEventBatchSchema } from './ingest.validate.ts';
import type { SnapshotService } from './snapshot.service.ts';

export const INVENTORY_EVENTS_MESSAGE = 'inventory.events';
export const INVENTORY_SNAPSHOT_MESSAGE = 'inventory.snapshot';

function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch (error) {
    throw new AppError('invalid_json', `the message is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The inbox handlers: whatever the transport (HTTP, files, EDI 846 later), inventory messages are
 * processed here, inside the inbox's transaction, so the outcome and the ledger commit together.
 */
export function registerInventoryInboxHandlers(inbox: InboxService, services: { ingest: IngestService; snapshots: SnapshotService }): void {
  inbox.registerHandler(INVENTORY_EVENTS_MESSAGE, async (tx, message, hooks) => {
    const envelope = inventoryEventBatchSchema.safeParse(parsePayload(message.payload));
    if (!envelope.success) throw new AppError('validation_failed', 'the batch is not { "events": [...] }', zodDetails(envelope.error));
    return services.ingest.ingestInTx(tx, envelope.data.events, hooks);
  });
  inbox.registerHandler(INVENTORY_SNAPSHOT_MESSAGE, async (tx, message, hooks) => services.snapshots.reconcileInTx(tx, parsePayload(message.payload), hooks));
}
