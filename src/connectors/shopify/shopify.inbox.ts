import type { CatalogService } from '../../domains/catalog/index.ts';
import { orderIntakeSchema, type IntakeOutcome, type OrdersModule } from '../../domains/orders/index.ts';
import { AppError } from '../../platform/errors.ts';
import { zodDetails } from '../../platform/http/error-handler.ts';
import type { InboxService } from '../../platform/inbox/index.ts';
import { mapShopifyOrder, type ShopifyOrderDefaults } from './shopify-order.rules.ts';
import { shopifyOrderSchema } from './shopify.types.ts';

/** The inbox message type of a Shopify `orders/create` webhook; its payload is Shopify's order JSON. */
export const SHOPIFY_ORDERS_CREATE_MESSAGE = 'shopify.orders.create';

export interface ShopifyHandlerDeps {
  inbox: InboxService;
  catalog: CatalogService;
  intake: OrdersModule['intake'];
  /** The order defaults of the source a message came from (its inbox source), or undefined when it has none. */
  orderDefaultsFor: (inboxSource: string) => ShopifyOrderDefaults | undefined;
}

/**
 * Takes a Shopify order in: parse, check the shape, map to a canonical order, then the same schema
 * and the same intake as a REST order, in the inbox's transaction. A problem at any step rejects the
 * message (it waits in the inbox, as received, to be edited and replayed).
 */
export function registerShopifyInboxHandlers(deps: ShopifyHandlerDeps): void {
  deps.inbox.registerHandler(SHOPIFY_ORDERS_CREATE_MESSAGE, async (tx, message): Promise<IntakeOutcome> => {
    const defaults = deps.orderDefaultsFor(message.source);
    if (!defaults) {
      throw new AppError('unprocessable', `source ${message.source} has no orderDefaults; configure its channel and customer, then replay`, [
        { path: 'source', message: 'webhooks.sources.<name>.orderDefaults is missing' },
      ]);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(message.payload);
    } catch (error) {
      throw new AppError('invalid_json', `the Shopify order is not valid JSON: ${(error as Error).message}`);
    }
    const shaped = shopifyOrderSchema.safeParse(raw);
    if (!shaped.success) throw new AppError('validation_failed', 'the payload is not a Shopify order', zodDetails(shaped.error));
    const customer = (await deps.catalog.customers.getMany([defaults.customerCode], tx)).get(defaults.customerCode);
    const mapped = mapShopifyOrder(shaped.data, customer, defaults);
    if (!mapped.ok) throw new AppError('validation_failed', `Shopify order ${shaped.data.name ?? shaped.data.id}: ${mapped.problems[0]!.message}`, mapped.problems);
    const canonical = orderIntakeSchema.safeParse(mapped.intake);
    if (!canonical.success) throw new AppError('validation_failed', 'the mapped order does not match the canonical order schema', zodDetails(canonical.error));
    return deps.intake.intakeInTx(tx, canonical.data);
  });
}
