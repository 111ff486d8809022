import { DAY_MS, HOUR_MS } from '../demand.rules.ts';
import { isoAt, type Actor, type SimContext } from '../sim-context.ts';

/**
 * The ERP: it receives the hub's invoices (from the event feed, as its invoice sink), keeps each
 * customer's open receivables, records payments when invoices fall due (most customers pay on time,
 * some late), and every six hours posts the changed customers' receivables to
 * `POST /v1/customers/{code}/credit`, once per reference.
 */
export function erp(): Actor {
  const receivables = new Map<string, number>();
  const due: Array<{ customerCode: string; amountMinor: number; payAtMs: number }> = [];
  const changed = new Set<string>();
  let lastPostHour = -1;
  let reference = 0;
  let initialised = false;
  return {
    name: 'erp',
    onEvent(ctx, event) {
      if (event.type !== 'crossdock.invoice.issued') return;
      const invoice = event.data.invoice as { customerCode: string; totalMinor: number };
      ctx.stats.invoicesSeen++;
      receivables.set(invoice.customerCode, (receivables.get(invoice.customerCode) ?? 0) + invoice.totalMinor);
      const terms = ctx.model.customers.find((c) => c.code === invoice.customerCode)?.paymentTermsDays ?? 30;
      due.push({ customerCode: invoice.customerCode, amountMinor: invoice.totalMinor, payAtMs: ctx.clock.now() + (terms + ctx.r.int(-3, 10)) * DAY_MS });
    },
    async step(ctx, _fromMs, nowMs) {
      if (!initialised) {
        initialised = true;
        for (const c of ctx.model.customers) receivables.set(c.code, c.openReceivablesMinor ?? 0);
      }
      for (const payment of due.filter((d) => d.payAtMs <= nowMs)) {
        due.splice(due.indexOf(payment), 1);
        receivables.set(payment.customerCode, Math.max(0, (receivables.get(payment.customerCode) ?? 0) - payment.amountMinor));
        changed.add(payment.customerCode);
      }
      const hour = Math.floor(nowMs / (6 * HOUR_MS));
      if (hour === lastPostHour) return;
      lastPostHour = hour;
      for (const code of [...changed].sort()) {
        const body = { openReceivablesMinor: receivables.get(code) ?? 0, asOf: isoAt(nowMs), reference: `ERP-AR-${String(++reference).padStart(7, '0')}` };
        await ctx.call(ctx.keys.erp, { method: 'POST', url: `/v1/customers/${code}/credit`, body });
        ctx.stats.creditUpdates++;
      }
      if (changed.size > 0) ctx.say(`ERP posted receivables for ${changed.size} customer(s)`);
      changed.clear();
    },
  };
}
