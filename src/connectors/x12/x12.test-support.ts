import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { X12Document, X12Issue } from './x12.types.ts';

/**
 * Helpers for the X12 tests. The public fixtures live in the repository (`tests/fixtures/x12/`,
 * copied with their attribution from the shared folder, which CI does not have).
 */
export const FIXTURE_DIR = fileURLToPath(new URL('../../../tests/fixtures/x12/', import.meta.url));

export const fixtureNames = (): string[] => readdirSync(FIXTURE_DIR).filter((name) => !name.endsWith('.md')).sort();

export const fixture = (name: string): Buffer => readFileSync(`${FIXTURE_DIR}${name}`);

interface EnvelopeOptions {
  functionalId?: string;
  /** GS08. */
  version?: string;
  /** ISA12. */
  isaVersion?: string;
  /** ISA11: `U` or the repetition separator. */
  isa11?: string;
  component?: string;
  setId?: string;
}

/**
 * A well-formed interchange with one group and one set per body given, counts and control numbers
 * right, segments ended by `~` and a line break. Tests break it on purpose with `replace`.
 * Set control numbers are 0001, 0002 …; the group is 1; the interchange 000000001.
 */
export function interchange(bodies: string[][], options: EnvelopeOptions = {}): string {
  const component = options.component ?? '>';
  const isa = `ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260714*1200*${options.isa11 ?? 'U'}*${options.isaVersion ?? '00401'}*000000001*0*P*${component}`;
  const lines = [isa, `GS*${options.functionalId ?? 'PO'}*SENDER*RECEIVER*20260714*1200*1*X*${options.version ?? '004010'}`];
  bodies.forEach((body, index) => {
    const control = String(index + 1).padStart(4, '0');
    lines.push(`ST*${options.setId ?? '850'}*${control}`, ...body, `SE*${body.length + 2}*${control}`);
  });
  lines.push(`GE*${bodies.length}*1`, 'IEA*1*000000001');
  return `${lines.join('~\n')}~\n`;
}

/** A minimal valid 850: two lines, CTT and AMT that balance (2 × 1.50 + 3 × 2.25 = 9.75). */
export const PO_850 = ['BEG*00*SA*PO123**20260714', 'N1*ST*STORE 1*92*0001', 'PO1*1*2*EA*1.50**VN*A-1', 'PO1*2*3*EA*2.25**VN*B-2', 'CTT*2*5', 'AMT*1*9.75'];

/** Issue codes in order, the usual thing to assert. */
export const codesOf = (issues: readonly X12Issue[]): string[] => issues.map((issue) => issue.code);

/** The errors of a document (warnings left out). */
export const errorsOf = (document: X12Document): X12Issue[] => document.issues.filter((issue) => issue.severity === 'error');

/**
 * A large, valid 850 interchange for streaming tests and the benchmark, produced piece by piece so
 * it need not be held in memory: `sets` purchase orders of `linesPerSet` lines each. Every line and
 * total balances, so the whole of it passes level 3.
 */
export function* purchaseOrderInterchange(options: { sets: number; linesPerSet: number; terminator?: string }): Generator<string> {
  const end = options.terminator ?? '~\n';
  yield `ISA*00*          *00*          *ZZ*BUYER          *ZZ*CROSSDOCK      *260714*1200*U*00401*000000777*0*P*>${end}`;
  yield `GS*PO*BUYER*CROSSDOCK*20260714*1200*777*X*004010${end}`;
  for (let set = 1; set <= options.sets; set++) {
    const control = String(set).padStart(4, '0');
    const parts = [`ST*850*${control}`, `BEG*00*SA*PO${set}**20260714`, 'REF*DP*038', 'DTM*002*20260801', `N1*ST*STORE ${set % 500}*92*${String(set % 500).padStart(4, '0')}`, 'N3*1 MAIN ST', 'N4*SOLON*OH*44139'];
    let quantity = 0;
    let totalCents = 0;
    for (let line = 1; line <= options.linesPerSet; line++) {
      const ordered = ((set * 7 + line * 13) % 90) + 1;
      const priceCents = ((set * 11 + line * 17) % 5000) + 99;
      quantity += ordered;
      totalCents += ordered * priceCents;
      parts.push(`PO1*${line}*${ordered}*EA*${(priceCents / 100).toFixed(2)}**VN*SKU-${(set * 31 + line) % 10000}`, `PID*F****ITEM ${line}`);
    }
    parts.push(`CTT*${options.linesPerSet}*${quantity}`, `AMT*1*${(totalCents / 100).toFixed(2)}`);
    parts.push(`SE*${parts.length + 1}*${control}`);
    yield `${parts.join(end)}${end}`;
  }
  yield `GE*${options.sets}*777${end}IEA*1*000000777${end}`;
}
