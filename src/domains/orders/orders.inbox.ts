import { AppError } from '../../platform/errors.ts';
import { zodDetails } from '../../platform/http/error-handler.ts';
import type { InboxService } from '../../platform/inbox/index.ts';
import type { IntakeService } from './intake.service.ts';
import { orderIntakeSchema } from './orders.types.ts';

export const ORDER_INTAKE_MESSAGE = 'orders.intake';

/** Orders from any transport (REST now; EDI 850, CSV and web-store webhooks later) are taken in here. */
export function registerOrderInboxHandlers(inbox: InboxService, intake: IntakeService): void {
  inbox.registerHandler(ORDER_INTAKE_MESSAGE, async (tx, message) => {
    let raw: unknown;
    try {
      raw = JSON.parse(message.payload);
    } catch (error) {
      throw new AppError('invalid_json', `the order is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = orderIntakeSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('validation_failed', 'the order does not match the canonical order schema', zodDetails(parsed.error));
    return intake.intakeInTx(tx, parsed.data);
  });
}
