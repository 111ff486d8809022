import type { CatalogService, TradingPartner } from '../../domains/catalog/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import type { FileParseItem, IncomingFile } from '../files/index.ts';
import { readX12, type X12GroupHeader, type X12InterchangeSummary, type X12Issue, type X12TransactionSet } from '../x12/index.ts';
import { ackPolicyOf, acceptedSet, interchangeKeyOf, partnerInterchangeKey } from './partner.rules.ts';
import { inboundSets } from './inbound-sets.ts';
import { problem } from './inbound.support.ts';
import * as repo from './edi.repo.ts';
import type { EdiOutbound } from './edi.outbound.ts';
import { trackFunctionalAck } from './edi.acks.ts';

/**
 * The `x12` file kind: a partner's file is read, checked against the partner's profile and our
 * validator, acknowledged per the partner's policy (997/999, TA1), and each accepted 850 becomes an
 * order-intake inbox message. Replays are harmless: the same file again is recognised (its
 * interchange was recorded with the file's hash), its messages are the same inbox messages, and its
 * acknowledgement is not sent twice; another file carrying an interchange control number already
 * received from the partner is reported as a duplicate and not taken in.
 */

export type { EdiInboundDeps } from './inbound.support.ts';
import type { EdiInboundDeps } from './inbound.support.ts';

const issueProblem = (issue: X12Issue): FileParseItem =>
  problem({ ...(issue.segmentPosition === null ? {} : { line: issue.segmentPosition }), code: issue.code, message: where(issue) + issue.message });
const where = (issue: X12Issue) =>
  [issue.interchangeControl && `interchange ${issue.interchangeControl}`, issue.groupControl && `group ${issue.groupControl}`, issue.setControl && `set ${issue.setControl}`]
    .filter(Boolean)
    .join(', ')
    .replace(/^(.+)$/, '$1: ');

interface PendingSet {
  group: X12GroupHeader;
  set: X12TransactionSet;
}

export function createX12FileParser(deps: EdiInboundDeps) {
  return async function* parseX12File(file: IncomingFile): AsyncGenerator<FileParseItem> {
    const partnerCode = file.folder.partnerCode;
    if (partnerCode === null) {
      yield problem({ code: 'partner_missing', message: `folder ${file.folder.name} names no partnerCode; X12 files are read for one trading partner` });
      return;
    }
    const partner = (await deps.catalog.tradingPartners.getMany([partnerCode])).get(partnerCode);
    if (!partner) {
      yield problem({ code: 'unknown_partner', message: `trading partner ${partnerCode} does not exist` });
      return;
    }
    let pending: PendingSet[] = [];
    for await (const item of readX12(file.chunks())) {
      if (item.kind === 'issue') {
        if (item.issue.severity === 'error') yield issueProblem(item.issue);
      } else if (item.kind === 'set') {
        pending.push({ group: item.group, set: item.set });
      } else {
        yield* takeInterchange(deps, file, partner, item.interchange, pending);
        pending = [];
      }
    }
    // Sets after the last IEA belong to an interchange that never ended: the reader reported it.
  };
}

async function* takeInterchange(deps: EdiInboundDeps, file: IncomingFile, partner: TradingPartner, interchange: X12InterchangeSummary, sets: PendingSet[]): AsyncGenerator<FileParseItem> {
  const header = interchange.header;
  const control = Number(header.controlNumber);
  const label = `interchange ${header.controlNumber}`;
  if (interchangeKeyOf(header) !== partnerInterchangeKey(partner)) {
    yield problem({ code: 'partner_mismatch', message: `${label} is from ${interchangeKeyOf(header)}, not from ${partner.code} (${partnerInterchangeKey(partner)})` });
    return;
  }
  if (!Number.isSafeInteger(control)) {
    yield problem({ code: 'interchange_control_invalid', message: `${label}: ISA13 is not a number` });
    return;
  }
  const seen = await repo.findInterchange(deps.db, partner.code, 'in', control);
  if (seen && seen.sha256 !== file.sha256) {
    yield problem({ code: 'duplicate_interchange', message: `${label} was already received from ${partner.code} in another file; nothing in it was taken in` });
    return;
  }
  if (!seen) await deps.outbound.acknowledge(partner, interchange, file.sha256);

  for (const issue of interchange.issues) if (issue.severity === 'error') yield issueProblem(issue);
  const policy = ackPolicyOf(partner);
  for (const { group, set } of sets) {
    const groupSummary = interchange.groups.find((g) => g.header.controlNumber === group.controlNumber);
    const envelopeErrors = interchange.issues.some((i) => i.severity === 'error') || (groupSummary?.issues.some((i) => i.severity === 'error') ?? true);
    for (const issue of set.issues) if (issue.severity === 'error') yield issueProblem(issue);
    if (envelopeErrors || !acceptedSet(set, policy)) continue;
    if (set.id === '997' || set.id === '999') {
      const tracked = await trackFunctionalAck(deps.db, deps.clock, partner.code, set);
      if (!tracked.ok) yield problem({ line: 1, code: 'ack_unmatched', message: `${label}, ${set.id} ${set.controlNumber}: ${tracked.message}` });
      continue;
    }
    const inbound = inboundSets[set.id];
    if (!inbound) {
      yield problem({ code: 'set_not_supported', message: `${label}, set ${set.controlNumber}: transaction set ${set.id} is not taken in yet` });
      continue;
    }
    if (!partner.x12.documents.includes(inbound.document)) {
      yield problem({ code: 'document_not_enabled', message: `${label}, set ${set.controlNumber}: ${partner.code} is not set up to send ${set.id} ${inbound.name}` });
      continue;
    }
    yield* inbound.take(deps, partner, label, set);
  }
}

