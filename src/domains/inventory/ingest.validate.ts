import { z } from 'zod';
import type { Item, Location } from '../catalog/index.ts';
import { toBaseUnits } from '../catalog/index.ts';
import { reportedTimeProblem } from '../shared/index.ts';
import { inventoryEventSchema, type InventoryEvent } from './inventory.types.ts';

/** An event that passed validation, its quantity already in base units. */
export interface ValidEvent {
  index: number;
  event: InventoryEvent;
}

export interface EventRejection {
  index: number;
  result: 'rejected';
  source?: string;
  sequence?: number;
  code: string;
  message: string;
  path?: string;
}

/** The envelope of a batch; each event inside is validated on its own so one bad event rejects only itself. */
export const inventoryEventBatchSchema = z
  .object({ events: z.array(z.unknown()).min(1).max(10_000).describe('Inventory events; see /v1/schemas/inventory-event') })
  .strict();

const pick = (raw: unknown, key: string): unknown => (typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined);

/**
 * Checks each event against the canonical schema, the hub's clock (`nowMs`: it cannot have happened
 * later than now) and master data, in a fixed order (shape, time, SKU, location, unit), and converts
 * its quantity to base units. Pure: master data and the time are passed in.
 */
export function validateEvents(
  raw: readonly unknown[],
  items: ReadonlyMap<string, Item>,
  locations: ReadonlyMap<string, Location>,
  nowMs: number,
): { valid: ValidEvent[]; rejected: EventRejection[] } {
  const valid: ValidEvent[] = [];
  const rejected: EventRejection[] = [];
  raw.forEach((candidate, index) => {
    const source = typeof pick(candidate, 'source') === 'string' ? (pick(candidate, 'source') as string) : undefined;
    const sequence = typeof pick(candidate, 'sequence') === 'number' ? (pick(candidate, 'sequence') as number) : undefined;
    const reject = (code: string, message: string, path?: string) =>
      rejected.push({ index, result: 'rejected', ...(source !== undefined && { source }), ...(sequence !== undefined && { sequence }), code, message, ...(path !== undefined && { path }) });

    const parsed = inventoryEventSchema.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = `events.${index}${issue.path.length ? `.${issue.path.join('.')}` : ''}`;
      return reject('invalid_event', `${path}: ${issue.message}`, path);
    }
    const event = parsed.data;
    const ahead = reportedTimeProblem(`events.${index}.occurredAt`, event.occurredAt, nowMs);
    if (ahead) return reject('time_ahead_of_clock', ahead, `events.${index}.occurredAt`);
    const item = items.get(event.sku);
    if (!item) return reject('unknown_sku', `events.${index}.sku: no item ${event.sku} in master data`, `events.${index}.sku`);
    if (!locations.has(event.locationCode)) {
      return reject('unknown_location', `events.${index}.locationCode: no location ${event.locationCode} in master data`, `events.${index}.locationCode`);
    }
    const converted = toBaseUnits(item, Math.abs(event.quantity), event.unit);
    if (!converted.ok) return reject(converted.code, `events.${index}.unit: ${converted.message}`, `events.${index}.unit`);
    const baseQuantity = Math.sign(event.quantity) * converted.quantity;
    valid.push({ index, event: { ...event, quantity: baseQuantity, unit: item.baseUnit } });
  });
  return { valid, rejected };
}
