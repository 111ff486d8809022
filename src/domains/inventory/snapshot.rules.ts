/**
 * Snapshot reconciliation, pure (DESIGN §6): a count of on hand as of time T is compared with what
 * the ledger says on hand was at T — today's on hand minus every on-hand delta that happened after T
 * (shipments still in flight when the file was written, receipts since). The difference is drift.
 */
export interface DriftInput {
  sku: string;
  counted: number;
  currentOnHand: number;
  /** Sum of on-hand deltas of movements that occurred after the snapshot's as-of time. */
  onHandDeltaAfterAsOf: number;
}

export interface DriftPolicy {
  /** Drift at or below this many units never raises an inventory-drift event. */
  toleranceUnits: number;
  /** Nor drift at or below this share of the counted quantity. */
  toleranceRatio: number;
}

export const defaultDriftPolicy: DriftPolicy = { toleranceUnits: 2, toleranceRatio: 0.02 };

export interface Drift {
  sku: string;
  counted: number;
  expectedAtAsOf: number;
  /** Units to add to on hand so the ledger agrees with the count. */
  drift: number;
  beyondTolerance: boolean;
}

export function computeDrift(input: DriftInput, policy: DriftPolicy = defaultDriftPolicy): Drift {
  const expectedAtAsOf = input.currentOnHand - input.onHandDeltaAfterAsOf;
  const drift = input.counted - expectedAtAsOf;
  const tolerance = Math.max(policy.toleranceUnits, Math.floor(policy.toleranceRatio * input.counted));
  return { sku: input.sku, counted: input.counted, expectedAtAsOf, drift, beyondTolerance: Math.abs(drift) > tolerance };
}
