import type { FileOutcome, FileProblem, FileReport } from './files.types.ts';

/**
 * A file's report, pure: its outcome from what was delivered and what went wrong, a one-line
 * summary, and the plain-text rendering written beside the JSON for people.
 */

export function outcomeOf(delivered: number, problems: number): FileOutcome {
  if (problems === 0) return 'processed';
  return delivered > 0 ? 'partial' : 'rejected';
}

export function summaryOf(outcome: FileOutcome, delivered: number, problems: number): string {
  const messages = `${delivered} message${delivered === 1 ? '' : 's'}`;
  const found = `${problems} problem${problems === 1 ? '' : 's'}`;
  switch (outcome) {
    case 'processed':
      return `taken in: ${messages}`;
    case 'partial':
      return `partly taken in: ${messages} delivered, ${found} (the rows named below were not taken in)`;
    case 'rejected':
      return `rejected: ${found}; nothing was taken in`;
  }
}

/** `row 3 (line 4), column quantity` — as much of the place as is known. */
export function placeOf(problem: Pick<FileProblem, 'row' | 'line' | 'column'>): string {
  const parts: string[] = [];
  if (problem.row !== undefined) parts.push(problem.line !== undefined && problem.line !== problem.row ? `row ${problem.row} (line ${problem.line})` : `row ${problem.row}`);
  else if (problem.line !== undefined) parts.push(`line ${problem.line}`);
  if (problem.column !== undefined) parts.push(`column ${problem.column}`);
  return parts.length ? parts.join(', ') : 'file';
}

export function renderReportText(report: FileReport): string {
  const lines = [
    `File ${report.file} from folder ${report.folder} (${report.kind}) was ${report.summary}.`,
    `Claimed ${report.claimedAt}, finished ${report.finishedAt}; ${report.sizeBytes} bytes, SHA-256 ${report.sha256 ?? '(not read)'}; claim ${report.claimId}.`,
    `The file as received is ${report.storedAs}.`,
    '',
  ];
  if (report.problems.length) {
    lines.push(`Problems (${report.problemCount}${report.problemCount > report.problems.length ? `, the first ${report.problems.length} listed` : ''}):`);
    for (const p of report.problems) lines.push(`  ${placeOf(p)}: ${p.message} [${p.code}]${p.messageId ? ` (inbox message ${p.messageId})` : ''}`);
    lines.push('');
  }
  if (report.messages.length) {
    lines.push('Messages delivered to the inbox:');
    for (const m of report.messages) lines.push(`  ${m.label ?? m.part ?? 'the file'}: ${m.received === 'exists' ? 'received before' : 'received'}, ${m.status} (${m.messageId})`);
    if (report.messagesOmitted) lines.push(`  … and ${report.messagesOmitted} more`);
    lines.push('');
  }
  lines.push(
    report.outcome === 'processed'
      ? 'Nothing to do.'
      : 'To fix: correct the file and drop it into in/ again (rows already taken in are recognised and not taken twice), or fix and replay a failed message at /v1/inbox/<id>/replay.',
  );
  return `${lines.join('\n')}\n`;
}
