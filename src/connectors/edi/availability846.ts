import type { CatalogService } from '../../domains/catalog/index.ts';
import { isoTime, type Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { EdiOutbound } from './edi.outbound.ts';
import { availabilityFrom, availabilitySegments } from './availability846.mapper.ts';

/**
 * The 846 out: what we can promise a partner's customer, per item the partner cross-references, as
 * ATP for the customer's channel (its first EDI channel, else its first), written to the partner's
 * X12 folder. The report id is the document key: asking again for the same report (by default, the
 * same minute) writes nothing new.
 */

export interface AvailabilityAdviceDeps {
  clock: Clock;
  catalog: CatalogService;
  /** Network ATP of a SKU for a channel, read from memory. */
  atp(sku: string, locationCode: undefined, channelCode: string): number;
  outbound: EdiOutbound;
  hasFolder(partnerCode: string): boolean;
}

export interface AvailabilitySendResult {
  result: 'sent' | 'already_sent';
  reportId: string;
  channel: string;
  items: number;
  fileName: string | null;
  interchangeControl: number | null;
}

const refused = (message: string, path: string, code: string) => new AppError('unprocessable', message, [{ path, message, code }]);

export function createAvailabilityAdvice(deps: AvailabilityAdviceDeps) {
  return {
    async send(partnerCode: string, requestedReportId?: string): Promise<AvailabilitySendResult> {
      const partner = (await deps.catalog.tradingPartners.getMany([partnerCode])).get(partnerCode);
      if (!partner) throw new AppError('not_found', `trading partner ${partnerCode} does not exist`, [{ path: 'params.code', message: 'no trading partner with this code' }]);
      if (!partner.x12.documents.includes('846')) throw refused(`${partnerCode} is not set up to receive 846 availability`, 'x12.documents', 'document_not_enabled');
      if (!deps.hasFolder(partnerCode)) throw refused(`${partnerCode} has no x12 folder to write to`, 'files.folders', 'folder_missing');
      if (partner.itemCrossReferences.length === 0) throw refused(`${partnerCode} cross-references no items, so there is nothing to report`, 'itemCrossReferences', 'nothing_to_report');
      const customer = (await deps.catalog.customers.list({ filters: { tradingPartnerCode: partnerCode }, limit: 1 })).items[0];
      if (!customer) throw refused(`no customer trades through ${partnerCode}, so no channel decides what it may be promised`, 'tradingPartnerCode', 'unknown_customer');
      const channels = await deps.catalog.channels.getMany(customer.channels);
      const channel = customer.channels.find((code) => channels.get(code)?.type === 'edi') ?? customer.channels[0]!;
      const nowIso = isoTime(deps.clock.now());
      const reportId = requestedReportId ?? `ATP-${nowIso.slice(0, 16).replace(/[-T:]/g, '')}`;
      const advice = availabilityFrom(partner, (sku) => deps.atp(sku, undefined, channel), reportId, nowIso);
      const sent = await deps.outbound.send(partner, [{ functionalId: 'IB', sets: [{ id: '846', controlNumber: 1, segments: availabilitySegments(advice) }] }], `846:${reportId}`);
      return { result: sent ? 'sent' : 'already_sent', reportId, channel, items: advice.lines.length, fileName: sent?.fileName ?? null, interchangeControl: sent?.interchangeControl ?? null };
    },
  };
}

export type AvailabilityAdviceService = ReturnType<typeof createAvailabilityAdvice>;
