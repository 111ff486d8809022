import type { TradingPartner } from '../../domains/catalog/index.ts';
import type { X12AckPolicy, X12InterchangeHeader, X12SetSummary } from '../x12/index.ts';

/** Pure rules of a trading partner's EDI profile. */

/** `ZZ:ACMERETAIL`: how the catalog keys a partner by its ISA qualifier and id. */
export const partnerInterchangeKey = (partner: TradingPartner) => `${partner.x12.interchangeIdQualifier}:${partner.x12.interchangeId}`;

/** The sender of a received interchange, keyed like a partner (ISA ids are padded to 15 characters). */
export const interchangeKeyOf = (header: X12InterchangeHeader) => `${header.senderQualifier.trim()}:${header.senderId.trim()}`;

/**
 * The acknowledgement policy we apply to a partner's interchanges. Profiles choose only whether and
 * which functional acknowledgement is sent; the X12 library's defaults (reject sets with syntax
 * errors, accept balancing errors with errors noted) hold for everyone.
 */
export function ackPolicyOf(_partner: TradingPartner): Partial<X12AckPolicy> {
  return {};
}

/**
 * Whether a set is taken in under the policy: the same decision its acknowledgement reports, so what
 * the partner is told was accepted is what we act on.
 */
export function acceptedSet(set: X12SetSummary, policy: Partial<X12AckPolicy>): boolean {
  const errors = set.issues.filter((issue) => issue.severity === 'error');
  if (errors.length === 0) return true;
  const syntax = errors.filter((issue) => issue.level < 3);
  if (syntax.length > 0) return policy.setErrors === 'accept_with_errors';
  return policy.balancingErrors !== 'reject';
}

/** Zero-padded ISA13 for file names and reports. */
export const interchangeControlText = (control: number) => String(control).padStart(9, '0');
