import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import { readFunctionalAck, setStatus, type X12TransactionSet } from '../x12/index.ts';
import * as repo from './edi.repo.ts';

/**
 * A partner's 997/999 matched to the group we sent (AK101 functional id + AK102 group control
 * number): the group's status and each of its sets' status are recorded, also for sets an accepting
 * partner did not list.
 */
export async function trackFunctionalAck(db: Executor, clock: Clock, partnerCode: string, set: X12TransactionSet): Promise<{ ok: true; status: string } | { ok: false; message: string }> {
  const read = readFunctionalAck(set);
  if (!read.ok) return read;
  const { ack } = read;
  const groupControl = Number(ack.groupControlNumber);
  const sent = (await repo.outboundGroups(db, partnerCode)).find((g) => g.functional_id === ack.functionalId && Number(g.group_control) === groupControl);
  if (!sent) return { ok: false, message: `it answers group ${ack.functionalId} ${ack.groupControlNumber}, which we never sent to ${partnerCode}` };
  const sets: Record<string, string> = {};
  for (const control of JSON.parse(sent.set_controls) as string[]) sets[control] = setStatus(ack, control).status;
  await repo.acknowledgeGroup(db, { partnerCode, functionalId: ack.functionalId, groupControl }, { status: ack.status, sets, at: clock.now() });
  return { ok: true, status: ack.status };
}
