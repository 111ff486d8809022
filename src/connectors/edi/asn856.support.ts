import type { CatalogService } from '../../domains/catalog/index.ts';
import type { ProcurementService, PurchaseOrder, ReceiveInput, StepAnswer, Transfer, TransferReceiveInput } from '../../domains/procurement/index.ts';
import type { CommitHooks } from '../../platform/db/after-commit.ts';
import type { Tx } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * What the handlers of supply documents (the 856 ship notice and the 944 receipt advice) need: the
 * procurement steps that move goods and supply, run inside the inbox's transaction so the message
 * and its effect commit together (the replenishment flows provide them).
 */
export interface SupplySteps {
  supply: {
    shipPurchaseOrderIn(tx: Tx, hooks: CommitHooks, id: string, expectedDate: string): Promise<StepAnswer<PurchaseOrder>>;
    receivePurchaseOrderIn(tx: Tx, hooks: CommitHooks, id: string, input: ReceiveInput): Promise<StepAnswer<PurchaseOrder>>;
  };
  transfers: {
    receiveIn(tx: Tx, hooks: CommitHooks, id: string, input: TransferReceiveInput): Promise<StepAnswer<Transfer>>;
  };
}

export interface SupplyHandlerDeps {
  catalog: CatalogService;
  procurement: Pick<ProcurementService, 'findPurchaseOrderByNumber' | 'lockTransfer'>;
  replenishment: SupplySteps;
}

/** A message's JSON payload; an operator's edit that broke it is refused as invalid, not retried. */
export function parseMessage<T>(payload: string): T {
  try {
    return JSON.parse(payload) as T;
  } catch (error) {
    throw new AppError('invalid_json', `the message is not valid JSON: ${(error as Error).message}`);
  }
}
