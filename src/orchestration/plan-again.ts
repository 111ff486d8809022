/** How often a flow plans again when the order changed under it, before answering skipped. */
const MAX_ATTEMPTS = 5;

/**
 * Runs a step that plans outside its transaction and checks the order's version inside it. Another
 * flow may change the order in between (a shipment, an invoice, a hold decision); the step then
 * answers `changed` and is planned again on the new version, a few times at most. The marker never
 * leaves this function.
 */
export async function planAgainWhileChanged<R extends object>(step: () => Promise<R | (R & { changed: true })>): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await step();
    if (!('changed' in outcome)) return outcome;
    if (attempt >= MAX_ATTEMPTS) {
      const { changed: _changed, ...rest } = outcome;
      return rest as R;
    }
  }
}
