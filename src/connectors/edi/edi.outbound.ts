import type { TradingPartner } from '../../domains/catalog/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import type { FileConnector } from '../files/index.ts';
import { acknowledgeInterchange, parseX12, writeInterchange, type X12InterchangeSummary, type X12SetInput } from '../x12/index.ts';
import * as repo from './edi.repo.ts';
import { ackPolicyOf, interchangeControlText } from './partner.rules.ts';

/**
 * Writes what we send a partner: acknowledgements of what it sent us, and documents. Control numbers
 * are taken in the transaction that records the document and writes its file, so a number is never
 * used twice; every document passes our own validator before it is written.
 */

export interface EdiOutbound {
  /** Records a received interchange and writes its TA1/997/999 as the partner's policy asks. */
  acknowledge(partner: TradingPartner, interchange: X12InterchangeSummary, sha256: string): Promise<void>;
  /**
   * Writes one interchange of groups to the partner's out folder; answers its file name and ISA13, or
   * null when `documentKey` (what the document answers, such as an event id) was sent before.
   */
  send(partner: TradingPartner, groups: ReadonlyArray<{ functionalId: string; sets: X12SetInput[] }>, documentKey?: string): Promise<{ fileName: string; interchangeControl: number } | null>;
}

export interface EdiOutboundDeps {
  db: Executor;
  clock: Clock;
  files: FileConnector;
  /** The watched folder of a partner's X12 files, whose `out/` we write to. */
  folderFor(partnerCode: string): string | undefined;
  /** Our own ISA id and qualifier. */
  self: { qualifier: string; id: string };
}

export function createEdiOutbound(deps: EdiOutboundDeps): EdiOutbound {
  const folderOf = (partner: TradingPartner) => {
    const folder = deps.folderFor(partner.code);
    if (folder === undefined) throw new AppError('unprocessable', `trading partner ${partner.code} has no x12 folder to write to`, [{ path: 'files.folders', message: `add a folder of kind x12 with partnerCode ${partner.code}` }]);
    return folder;
  };

  async function writeChecked(folder: string, fileName: string, text: string) {
    // Everything we send passes our own validator: a partner should never have to reject us.
    const reread = parseX12(text);
    invariant(reread.valid, `generated ${fileName} does not pass our validator: ${reread.issues.find((i) => i.severity === 'error')?.message}`);
    await deps.files.writeOutbound(folder, fileName, text);
  }

  return {
    async acknowledge(partner, interchange, sha256) {
      const control = Number(interchange.header.controlNumber);
      const mode = partner.x12.acknowledgement;
      const groups = interchange.groups.filter((g) => g.header.functionalId !== 'FA').length;
      if (mode === 'none' || (groups === 0 && !interchange.header.ackRequested)) {
        await deps.db.transaction().execute((tx) => repo.insertInterchange(tx, { partnerCode: partner.code, direction: 'in', controlNumber: control, sha256, fileName: null, at: deps.clock.now() }));
        return;
      }
      const folder = folderOf(partner);
      await deps.db.transaction().execute(async (tx) => {
        const numbers = await repo.nextControlNumbers(tx, partner.code, groups);
        const reply = acknowledgeInterchange(interchange, {
          controlNumber: numbers.interchange,
          firstGroupControlNumber: numbers.firstGroup,
          at: new Date(deps.clock.now()),
          policy: ackPolicyOf(partner),
          usage: partner.x12.usageIndicator,
        });
        const kind = reply.groups[0]?.sets[0]?.id ?? 'TA1';
        const fileName = `${partner.code}-${kind}-${interchangeControlText(numbers.interchange)}.x12`;
        // A concurrent reader of the same file recorded it first; it writes the acknowledgement.
        if (!(await repo.insertInterchange(tx, { partnerCode: partner.code, direction: 'in', controlNumber: control, sha256, fileName, at: deps.clock.now() }))) return;
        if (reply.groups.length === 0 && (reply.ta1 ?? []).length === 0) return;
        const written = writeInterchange(reply);
        invariant(written.ok, `acknowledgement of ${partner.code} interchange ${control} could not be written`);
        await writeChecked(folder, fileName, written.text);
      });
    },

    async send(partner, groups, documentKey) {
      const folder = folderOf(partner);
      return deps.db.transaction().execute(async (tx) => {
        // Looked up before a number is taken, so a redelivery leaves no gap in the partner's sequence.
        if (documentKey !== undefined && (await repo.documentSent(tx, partner.code, documentKey))) return null;
        const numbers = await repo.nextControlNumbers(tx, partner.code, groups.length);
        const at = deps.clock.now();
        if (documentKey !== undefined && !(await repo.claimDocument(tx, { partnerCode: partner.code, documentKey, interchangeControl: numbers.interchange, at }))) return null;
        const input = {
          sender: deps.self,
          receiver: { qualifier: partner.x12.interchangeIdQualifier, id: partner.x12.interchangeId },
          controlNumber: numbers.interchange,
          at: new Date(at),
          version: partner.x12.version === '005010' ? '00501' : '00401',
          usage: partner.x12.usageIndicator,
          groups: groups.map((group, i) => ({
            functionalId: group.functionalId,
            senderCode: deps.self.id,
            receiverCode: partner.x12.groupId,
            controlNumber: numbers.firstGroup + i,
            version: partner.x12.version,
            sets: group.sets,
          })),
        };
        const written = writeInterchange(input);
        if (!written.ok) throw new AppError('unprocessable', `the document for ${partner.code} cannot be written: ${written.issues[0]?.message}`, written.issues.map((i) => ({ path: `${i.segmentId ?? ''}${i.elementPosition ?? ''}`, message: i.message })));
        const kind = groups[0]?.sets[0]?.id ?? 'X12';
        const fileName = `${partner.code}-${kind}-${interchangeControlText(numbers.interchange)}.x12`;
        await repo.insertInterchange(tx, { partnerCode: partner.code, direction: 'out', controlNumber: numbers.interchange, sha256: null, fileName, at });
        await repo.insertOutboundGroups(
          tx,
          input.groups.map((g) => ({ partnerCode: partner.code, functionalId: g.functionalId, groupControl: g.controlNumber, interchangeControl: numbers.interchange, setControls: g.sets.map((s) => (typeof s.controlNumber === 'number' ? String(s.controlNumber).padStart(4, '0') : s.controlNumber)), at })),
        );
        await writeChecked(folder, fileName, written.text);
        return { fileName, interchangeControl: numbers.interchange };
      });
    },
  };
}
