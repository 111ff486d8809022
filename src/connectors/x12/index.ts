/**
 * Crossdock's X12 EDI library: reading (streaming, delimiters from the ISA), validation levels 1–3,
 * writing with envelopes, and acknowledgements (TA1, 997, 999) out and in. Pure TypeScript with no
 * I/O beyond the chunks it is given. See docs/x12.md.
 */
export type * from './x12.types.ts';
export { type X12IssueCode } from './issues.ts';
export { readX12, parseX12, issuesOf, X12Parser } from './reader.ts';
export { element, components, component, repeats, elementCount } from './segment.ts';
export { validateTransactionSet } from './validator.ts';
export { versionFamily, functionalIdBySet, type VersionFamily } from './sets.spec.ts';
export {
  writeInterchange,
  writeSegments,
  toSegmentInput,
  toInterchangeInput,
  defaultDelimiters,
  type X12ElementInput,
  type X12SegmentInput,
  type X12SetInput,
  type X12GroupInput,
  type X12InterchangeInput,
  type X12PartyId,
  type X12Moment,
  type X12WriteOptions,
  type X12WriteResult,
} from './writer.ts';
export {
  buildTa1,
  buildFunctionalAck,
  acknowledgeInterchange,
  defaultAckPolicy,
  ta1NoteCode,
  IMPLEMENTATION_999,
  type X12AckPolicy,
  type X12AckStatus,
  type X12FunctionalAck,
  type X12Ta1,
  type AcknowledgeOptions,
} from './acknowledgements.ts';
export {
  readFunctionalAck,
  readTa1,
  readAcknowledgements,
  setStatus,
  type X12FunctionalAckResult,
  type X12AckSetResult,
  type X12AckSegmentError,
  type X12AckElementError,
  type X12Ta1Result,
  type X12AckReadResult,
} from './ack-reader.ts';
export { toScaled, impliedToScaled, formatScaled, isValidDate, isValidTime } from './datatypes.ts';
