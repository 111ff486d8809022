import type { SourcingPolicy } from './sourcing.policy.ts';
import { backorderPriority, dayMs, endOfDayMs, scoreCandidates, SourcingState, staticExclusion, type ScoredCandidate } from './sourcing.scoring.ts';
import { exclusionMessage, greedyParts, Notes, usableCandidates, withinBudget, type LineContext } from './sourcing.steps.ts';
import type {
  SourcingAllocation,
  SourcingDecision,
  SourcingInput,
  SourcingLineInput,
  SourcingLinePlan,
  SourcingOutcome,
  SourcingPlan,
  SourcingReason,
  SourcingReasonCode,
} from './sourcing.types.ts';

export * from './sourcing.types.ts';
export { backorderPriority } from './sourcing.scoring.ts';

/**
 * Sourcing (DESIGN §5 step 3): which location serves which quantity of each line, under a versioned
 * policy. Pure — a function of (input, policy, now) — and deterministic: lines are taken in line
 * number order, candidates best score first with ties to the lower location code.
 *
 * Per line, the first of these that serves the whole line wins: one location (`allocate`), several
 * (`split`), a transfer that still meets the promise date (`transfer`), a substitute (`substitute`).
 * Otherwise the line takes what stock there is (`allocate`/`split` with a remainder) and the
 * remainder is backordered when policy and customer allow, or else left as shortage; a line with no
 * stock at all is a `backorder` or a `shortage`. docs/sourcing.md has the whole picture.
 */
export function decideSourcing(input: SourcingInput, policy: SourcingPolicy, policyRef: { id: string; version: number }, nowMs: number): SourcingPlan {
  const lines = [...input.lines].sort((a, b) => a.lineNumber - b.lineNumber);
  const state = new SourcingState(input);
  const preferComplete = policy.preferShipComplete || input.shipComplete;
  const ctx: LineContext = {
    input,
    policy,
    policyRef,
    nowMs,
    state,
    maxLocations: input.shipComplete || !input.customer.acceptsSplits ? 1 : policy.maxSplitsPerOrder + 1,
    budgetCode: input.shipComplete ? 'ship_complete_requested' : !input.customer.acceptsSplits ? 'split_not_accepted' : 'max_splits_reached',
    completeNotPossible: false,
  };

  let completeAt: string | null = null;
  if (preferComplete && lines.length > 0) {
    completeAt = findCompleteLocation(lines, ctx);
    ctx.completeNotPossible = completeAt === null;
  }
  const planned = lines.map((line) => (completeAt !== null ? shipCompleteLine(line, completeAt, ctx) : decideLine(line, ctx)));
  return {
    orderId: input.orderId,
    lines: planned,
    shipFrom: [...state.used],
    splits: Math.max(0, state.used.length - 1),
    shipComplete: { requested: input.shipComplete, preferred: policy.preferShipComplete, locationCode: completeAt },
  };
}

/** One location able to serve every line whole: best summed score, ties to the lower code. */
function findCompleteLocation(lines: readonly SourcingLineInput[], ctx: LineContext): string | null {
  const scoredPerLine = lines.map((l) => scoreCandidates(l.sku, l.candidates, ctx.state, ctx.policy, ctx.input.shipToRegion));
  const needed = new Map<string, number>();
  for (const l of lines) needed.set(l.sku, (needed.get(l.sku) ?? 0) + l.quantity);
  const codes = [...new Set(scoredPerLine.flatMap((s) => s.map((c) => c.locationCode)))].sort();
  let best: { locationCode: string; score: number } | null = null;
  for (const code of codes) {
    let total = 0;
    let ok = ctx.state.capacityOf(code) >= lines.length;
    for (const scored of scoredPerLine) {
      const c = scored.find((x) => x.locationCode === code);
      if (!c || c.excluded) ok = false;
      else total += c.score;
      if (!ok) break;
    }
    for (const [sku, qty] of needed) if (ctx.state.available(sku, code) < qty) ok = false;
    if (ok && (best === null || total > best.score)) best = { locationCode: code, score: total };
  }
  return best?.locationCode ?? null;
}

function shipCompleteLine(line: SourcingLineInput, locationCode: string, ctx: LineContext): SourcingLinePlan {
  const scored = scoreCandidates(line.sku, line.candidates, ctx.state, ctx.policy, ctx.input.shipToRegion);
  ctx.state.take(line.sku, locationCode, line.quantity);
  ctx.state.ship(locationCode);
  const code: SourcingReasonCode = ctx.input.shipComplete ? 'ship_complete_requested' : 'ship_complete_preferred';
  const message = ctx.input.shipComplete
    ? `the customer asked for one shipment; ${locationCode} can ship the whole order`
    : `policy prefers one shipment; ${locationCode} can ship the whole order`;
  return finish(line, ctx, {
    outcome: 'allocate',
    allocations: [{ sku: line.sku, locationCode, quantity: line.quantity }],
    shipFrom: [locationCode],
    primary: [{ code, message }],
    notes: new Notes(),
    inputs: { candidates: scored, shipCompleteLocation: locationCode },
  });
}

function decideLine(line: SourcingLineInput, ctx: LineContext): SourcingLinePlan {
  const { state, policy, input } = ctx;
  const notes = new Notes();
  if (ctx.completeNotPossible) notes.add('ship_complete_not_possible', 'no single location can ship the whole order; lines are sourced one by one');
  const qty = line.quantity;
  const scored = scoreCandidates(line.sku, line.candidates, state, policy, input.shipToRegion);
  const usable = usableCandidates(scored, ctx, notes);
  const inputs: Record<string, unknown> = { candidates: scored };
  const commit = (parts: SourcingAllocation[]) => {
    for (const p of parts) {
      state.take(p.sku, p.locationCode, p.quantity);
      state.ship(p.locationCode);
    }
  };

  // 1. One location with the whole quantity.
  const whole = usable.filter((c) => c.available >= qty);
  const single = whole[0];
  if (single) {
    const nearest = Math.min(...whole.map((c) => c.distanceKm));
    const parts = [{ sku: line.sku, locationCode: single.locationCode, quantity: qty }];
    commit(parts);
    const primary: SourcingReason =
      single.distanceKm === nearest
        ? { code: 'nearest_with_stock', message: `${single.locationCode} is the nearest location with all ${qty} units (score ${single.score})` }
        : { code: 'best_scored_with_stock', message: `${single.locationCode} scores best (${single.score}) of the locations with all ${qty} units` };
    return finish(line, ctx, { outcome: 'allocate', allocations: parts, shipFrom: [single.locationCode], primary: [primary], notes, inputs });
  }
  notes.add('insufficient_stock', `no usable location has all ${qty} units of ${line.sku}`);

  // 2. Several locations together.
  const splitRefusal: SourcingReasonCode | null = input.shipComplete
    ? 'ship_complete_requested'
    : !input.customer.acceptsSplits
      ? 'split_not_accepted'
      : qty < policy.minLineQuantityToSplit
        ? 'below_min_split_quantity'
        : null;
  const greedy = greedyParts(line.sku, qty, usable, ctx);
  const greedyTotal = greedy.parts.reduce((s, p) => s + p.quantity, 0);
  if (splitRefusal === null && greedy.cutByBudget) notes.add('max_splits_reached', `more locations have stock, but the order may use at most ${ctx.maxLocations}`);
  if (splitRefusal === null && greedyTotal === qty) {
    commit(greedy.parts);
    const primary: SourcingReason = { code: 'split_across_locations', message: `${greedy.parts.map((p) => `${p.quantity} from ${p.locationCode}`).join(', ')}` };
    return finish(line, ctx, { outcome: 'split', allocations: greedy.parts, shipFrom: greedy.parts.map((p) => p.locationCode), primary: [primary], notes, inputs });
  }
  if (splitRefusal !== null && usable.filter((c) => c.available > 0).length > 1) {
    const why =
      splitRefusal === 'below_min_split_quantity'
        ? `the line's ${qty} units are below the ${policy.minLineQuantityToSplit} needed to split it`
        : splitRefusal === 'split_not_accepted'
          ? 'the customer does not accept split shipments'
          : 'the customer wants the order shipped complete';
    notes.add(splitRefusal, `stock at several locations could serve the line together, but ${why}`);
  }

  // 3. A transfer that still meets the promise date.
  const transfers = [...(line.transfers ?? [])]
    .map((t) => ({ ...t, leadTimeDays: t.leadTimeDays ?? policy.transferLeadTimeDays }))
    .sort((a, b) => a.leadTimeDays - b.leadTimeDays || cmp(a.fromLocationCode, b.fromLocationCode) || cmp(a.toLocationCode, b.toLocationCode));
  if (transfers.length > 0) {
    const due = endOfDayMs(line.promiseDate ?? input.promiseDate, input.promiseTimeZone);
    const considered = transfers.map((t) => {
      const arrivesAtMs = ctx.nowMs + t.leadTimeDays * dayMs;
      const available = Math.min(Math.max(0, Math.floor(t.atp)), state.available(line.sku, t.fromLocationCode));
      const excluded: SourcingReasonCode | undefined = !policy.allowTransfers
        ? 'transfers_disabled'
        : staticExclusion({ confidence: t.confidence, distanceKm: 0 }, policy) ??
          (due !== undefined && arrivesAtMs > due
            ? 'transfer_misses_promise'
            : available < qty
              ? 'insufficient_stock'
              : state.capacityOf(t.toLocationCode) < 1
                ? 'capacity_exhausted'
                : !withinBudget(ctx, t.toLocationCode)
                  ? ctx.budgetCode
                  : undefined);
      return { ...t, arrivesAtMs, available, ...(excluded ? { excluded } : {}) };
    });
    inputs.transfers = considered;
    for (const t of considered) {
      if (t.excluded === 'transfers_disabled') notes.add('transfers_disabled', 'policy does not allow transfers');
      else if (t.excluded === 'transfer_misses_promise')
        notes.add('transfer_misses_promise', `a transfer from ${t.fromLocationCode} (${t.leadTimeDays} day(s)) arrives after the promise date`);
      else if (t.excluded && t.excluded !== 'insufficient_stock') notes.add(t.excluded, exclusionMessage(t.excluded, [t.fromLocationCode === t.toLocationCode ? t.toLocationCode : `${t.fromLocationCode}→${t.toLocationCode}`], ctx));
    }
    // Among the quickest usable transfers, one to a location the order already ships from adds no shipment.
    const usableTransfers = considered.filter((t) => t.excluded === undefined);
    const chosen = usableTransfers.find((t) => t.leadTimeDays === usableTransfers[0]!.leadTimeDays && state.isUsed(t.toLocationCode)) ?? usableTransfers[0];
    if (chosen) {
      state.take(line.sku, chosen.fromLocationCode, qty);
      state.ship(chosen.toLocationCode);
      const primary: SourcingReason = {
        code: 'transfer_meets_promise',
        message: `${qty} units move from ${chosen.fromLocationCode} to ${chosen.toLocationCode} in ${chosen.leadTimeDays} day(s)${due === undefined ? ' (no promise date)' : ', within the promise date'}`,
      };
      return finish(line, ctx, {
        outcome: 'transfer',
        allocations: [{ sku: line.sku, locationCode: chosen.fromLocationCode, quantity: qty }],
        shipFrom: [chosen.toLocationCode],
        transfer: { fromLocationCode: chosen.fromLocationCode, toLocationCode: chosen.toLocationCode, leadTimeDays: chosen.leadTimeDays, arrivesAtMs: chosen.arrivesAtMs },
        primary: [primary],
        notes,
        inputs,
      });
    }
  }

  // 4. A substitute, in the item's order of preference.
  const substitutes = line.substitutes ?? [];
  if (substitutes.length > 0) {
    if (!policy.substitution.enabled) notes.add('substitution_disabled', 'policy does not allow substitutes');
    else if (!input.customer.acceptsSubstitutions) notes.add('substitution_not_accepted', 'the customer does not accept substitutes');
    else {
      const considered: Array<{ sku: string; marginRatio: number; candidates: ScoredCandidate[] }> = [];
      inputs.substitutes = considered;
      for (const sub of substitutes) {
        const subScored = scoreCandidates(sub.sku, sub.candidates, state, policy, input.shipToRegion);
        const subUsable = usableCandidates(subScored, ctx, new Notes());
        considered.push({ sku: sub.sku, marginRatio: sub.marginRatio, candidates: subScored });
        const at = subUsable.find((c) => c.available >= qty);
        if (!at) continue;
        const parts = [{ sku: sub.sku, locationCode: at.locationCode, quantity: qty }];
        commit(parts);
        const requiresApproval = sub.marginRatio < policy.substitution.approvalBelowMarginRatio;
        const primary: SourcingReason[] = [{ code: 'substitute_available', message: `${sub.sku} replaces ${line.sku}: ${qty} units from ${at.locationCode}` }];
        if (requiresApproval)
          primary.push({
            code: 'substitute_margin_below_threshold',
            message: `margin ratio ${sub.marginRatio} is below ${policy.substitution.approvalBelowMarginRatio}; a person approves the substitution`,
          });
        return finish(line, ctx, {
          outcome: 'substitute',
          allocations: parts,
          shipFrom: [at.locationCode],
          substitute: { sku: sub.sku, marginRatio: sub.marginRatio },
          requiresApproval,
          primary,
          notes,
          inputs,
        });
      }
    }
  }

  // 5. Whatever stock there is, then the remainder as backorder or shortage.
  let parts: SourcingAllocation[] = [];
  if (splitRefusal === null) parts = greedy.parts;
  else {
    const best = [...usable].sort((a, b) => Math.min(qty, b.available) - Math.min(qty, a.available))[0]; // stable: score order among equals
    if (best && best.available > 0) parts = [{ sku: line.sku, locationCode: best.locationCode, quantity: Math.min(qty, best.available) }];
  }
  commit(parts);
  const allocated = parts.reduce((s, p) => s + p.quantity, 0);
  const primary: SourcingReason[] = [];
  if (allocated > 0) primary.push({ code: 'partial_stock', message: `${allocated} of ${qty} units available: ${parts.map((p) => `${p.quantity} from ${p.locationCode}`).join(', ')}` });
  const remainder = qty - allocated;
  let backorder = 0;
  if (!policy.backorder.enabled) notes.add('backorder_disabled', 'policy does not allow backorders');
  else if (!input.customer.acceptsBackorders) notes.add('backorder_not_accepted', 'the customer does not accept backorders');
  else backorder = remainder;
  if (backorder > 0) primary.push({ code: 'backordered', message: `${backorder} units wait for supply` });
  else primary.push({ code: 'shortage', message: `${remainder} units can be neither served nor backordered; a stock shortage exception follows` });
  const outcome: SourcingOutcome = allocated > 0 ? (parts.length > 1 ? 'split' : 'allocate') : backorder > 0 ? 'backorder' : 'shortage';
  return finish(line, ctx, { outcome, allocations: parts, shipFrom: parts.map((p) => p.locationCode), backorder, primary, notes, inputs });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Finished {
  outcome: SourcingOutcome;
  allocations: SourcingAllocation[];
  shipFrom: string[];
  backorder?: number;
  substitute?: SourcingLinePlan['substitute'];
  transfer?: SourcingLinePlan['transfer'];
  requiresApproval?: boolean;
  primary: SourcingReason[];
  notes: Notes;
  inputs: Record<string, unknown>;
}

function finish(line: SourcingLineInput, ctx: LineContext, f: Finished): SourcingLinePlan {
  const allocated = f.allocations.reduce((s, p) => s + p.quantity, 0);
  const backorder = f.backorder ?? 0;
  const shortage = line.quantity - allocated - backorder;
  const requiresApproval = f.requiresApproval ?? false;
  const promiseDate = line.promiseDate ?? ctx.input.promiseDate;
  const priority = backorder > 0 ? backorderPriority(ctx.input.customer.tier, promiseDate, ctx.input.orderReceivedAtMs, ctx.nowMs, ctx.policy, ctx.input.promiseTimeZone) : undefined;
  const decision: SourcingDecision = {
    kind: f.outcome === 'substitute' ? 'substitution' : f.outcome === 'transfer' ? 'transfer' : f.outcome === 'backorder' ? 'backorder' : 'sourcing',
    subject: { type: 'order_line', id: `${ctx.input.orderId}:${line.lineNumber}` },
    outcome: f.outcome,
    reasons: [...f.primary, ...f.notes.list.filter((n) => !f.primary.some((p) => p.code === n.code))],
    inputs: {
      sku: line.sku,
      quantity: line.quantity,
      promiseDate: promiseDate ?? null,
      ...(promiseDate !== undefined && ctx.input.promiseTimeZone !== undefined && { promiseTimeZone: ctx.input.promiseTimeZone }),
      shipComplete: ctx.input.shipComplete,
      customer: { ...ctx.input.customer },
      ...f.inputs,
      allocated,
      backorderQuantity: backorder,
      shortageQuantity: shortage,
      ...(priority !== undefined ? { backorderPriority: priority } : {}),
    },
    policyId: ctx.policyRef.id,
    policyVersion: ctx.policyRef.version,
    madeBy: 'rule',
    appliedAutomatically: !requiresApproval,
    madeAt: new Date(ctx.nowMs).toISOString(),
  };
  return {
    lineNumber: line.lineNumber,
    sku: line.sku,
    quantity: line.quantity,
    outcome: f.outcome,
    allocations: f.allocations,
    shipFrom: f.shipFrom,
    allocatedQuantity: allocated,
    backorderQuantity: backorder,
    shortageQuantity: shortage,
    remainingQuantity: backorder + shortage,
    ...(priority !== undefined ? { backorderPriority: priority } : {}),
    ...(f.substitute ? { substitute: f.substitute } : {}),
    ...(f.transfer ? { transfer: f.transfer } : {}),
    requiresApproval,
    decision,
  };
}
