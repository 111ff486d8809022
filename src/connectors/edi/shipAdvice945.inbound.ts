import { z } from 'zod';
import type { CatalogService, TradingPartner } from '../../domains/catalog/index.ts';
import { shipmentConfirmationSchema } from '../../domains/fulfillment/index.ts';
import type { ShipmentConfirmResult } from '../../orchestration/index.ts';
import type { CommitHooks } from '../../platform/db/after-commit.ts';
import type { Tx } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import { zodDetails } from '../../platform/http/error-handler.ts';
import type { InboxService } from '../../platform/inbox/index.ts';
import type { FileParseItem } from '../files/index.ts';
import { element, type X12TransactionSet } from '../x12/index.ts';
import { JSON_TYPE, problem, type EdiInboundDeps, type InboundSet } from './inbound.support.ts';
import { mapShipAdvice945 } from './shipAdvice945.mapper.ts';

/**
 * A 3PL's 945 becomes an inbox message that confirms the shipment of our fulfillment request, in
 * the inbox's transaction, exactly as `POST /v1/shipments` would. The 3PL may confirm only requests
 * released to locations it operates (the location's `tradingPartnerCode`). The same 945 again, in
 * the same file or another, is one shipment: the inbox keeps one message per file and part, and the
 * 3PL's shipment number is unique per location.
 */

export const SHIP_ADVICE_MESSAGE = 'edi.945';

export const shipAdvice945: InboundSet = { document: '945', name: 'warehouse shipping advice', take: takeShipAdvice };

async function* takeShipAdvice(_deps: EdiInboundDeps, partner: TradingPartner, label: string, set: X12TransactionSet): AsyncGenerator<FileParseItem> {
  const mapped = mapShipAdvice945(set.segments, partner);
  if (!mapped.ok) {
    for (const p of mapped.problems) yield problem({ ...(p.segmentPosition === null ? {} : { line: p.segmentPosition }), code: p.code, message: `${label}, set ${set.controlNumber}: ${p.message}` });
    return;
  }
  const { confirmation, linePositions } = mapped;
  const w06 = set.segments.find((s) => s.id === 'W06');
  const headerLine = w06?.setPosition ?? 1;
  yield {
    kind: 'message',
    message: {
      // The part names the 3PL's order and shipment, so the same 945 in the same file is the same message.
      part: `945:${w06 ? element(w06, 2) : ''}:${confirmation.shipmentNumber}`,
      messageType: SHIP_ADVICE_MESSAGE,
      contentType: JSON_TYPE,
      payload: JSON.stringify({ partnerCode: partner.code, confirmation }),
      label: `945 shipment ${confirmation.shipmentNumber} (${label}, set ${set.controlNumber})`,
      locate: (path) => {
        const line = /lines\.(\d+)/.exec(path ?? '');
        return { line: line ? (linePositions[Number(line[1])] ?? headerLine) : headerLine };
      },
    },
  };
}

const payloadSchema = z.object({ partnerCode: z.string().min(1), confirmation: shipmentConfirmationSchema }).strict();

export interface ShipAdviceHandlerDeps {
  catalog: CatalogService;
  shipments: {
    confirmIn(tx: Tx, raw: unknown, options: { hooks: CommitHooks; acceptsLocation?: (locationCode: string) => Promise<boolean> }): Promise<ShipmentConfirmResult>;
  };
}

/** Confirms the shipment a 945 message carries; an expected refusal (over-shipment …) fails the message with its code. */
export function registerShipAdviceHandler(inbox: InboxService, deps: ShipAdviceHandlerDeps): void {
  inbox.registerHandler(SHIP_ADVICE_MESSAGE, async (tx, message, hooks) => {
    let raw: unknown;
    try {
      raw = JSON.parse(message.payload);
    } catch (error) {
      throw new AppError('invalid_json', `the shipping advice is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = payloadSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('validation_failed', 'the shipping advice is not { partnerCode, confirmation } with a shipment confirmation', zodDetails(parsed.error));
    const { partnerCode, confirmation } = parsed.data;
    const confirmed = await deps.shipments.confirmIn(tx, confirmation, {
      hooks,
      acceptsLocation: async (code) => (await deps.catalog.locations.getMany([code], tx)).get(code)?.tradingPartnerCode === partnerCode,
    });
    return { result: confirmed.result, shipmentId: confirmed.shipment.id, orderId: confirmed.order.id, orderState: confirmed.order.state };
  });
}
