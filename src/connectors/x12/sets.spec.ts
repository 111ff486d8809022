import { loop, seg, UNBOUNDED as N, type SetSpec, type StructureNode } from './spec.ts';

/**
 * Transaction set structures: which segments and loops a set holds, in which order, how often, and
 * which are mandatory, for the sets Crossdock exchanges (850, 855, 856, 810, 846, 940, 945, 944) and
 * the acknowledgements (997, 999). 004010 and 005010 share them except for the 997 (CTX in 005010)
 * and the 999 (005010 only).
 */

/** GS01 functional identifier of each transaction set. */
export const functionalIdBySet: Readonly<Record<string, string>> = {
  '850': 'PO',
  '855': 'PR',
  '856': 'SH',
  '810': 'IN',
  '846': 'IB',
  '940': 'OW',
  '943': 'AR',
  '944': 'RE',
  '945': 'SW',
  '997': 'FA',
  '999': 'FA',
};

/**
 * Functional groups some partners use for a set although the standard names another: read with a
 * warning rather than refused. AR is the 943's group, but 944s are often sent in it.
 */
export const toleratedFunctionalIds: Readonly<Record<string, string>> = { '944': 'AR' };

export type VersionFamily = '004010' | '005010';

/** `004010VICS` and `005010X231A1` are releases of 004010 and 005010; other versions are not specified here. */
export function versionFamily(gs08: string): VersionFamily | null {
  if (gs08.startsWith('004010')) return '004010';
  if (gs08.startsWith('005010')) return '005010';
  return null;
}

const ENVELOPE_START = seg('ST', 'M');
const ENVELOPE_END = seg('SE', 'M');
const LM_LOOP = loop('LM', 'O', N, [seg('LM', 'M'), seg('LQ', 'M', N)]);
const SAC_LOOP = loop('SAC', 'O', 25, [seg('SAC', 'M'), seg('CUR')]);
const N9_LOOP = loop('N9', 'O', 1000, [seg('N9', 'M'), seg('DTM', 'O', N), seg('MSG', 'O', 1000)]);
const CARRIER: StructureNode[] = [seg('TD1', 'O', 2), seg('TD5', 'O', 12), seg('TD3', 'O', 12), seg('TD4', 'O', 5)];
const PARTY_LOOP = loop('N1', 'O', 200, [
  seg('N1', 'M'), seg('N2', 'O', 2), seg('N3', 'O', 2), seg('N4', 'O', N), seg('NX2', 'O', N), seg('REF', 'O', 12), seg('PER', 'O', N), seg('SI', 'O', N), seg('FOB'), ...CARRIER, seg('PKG', 'O', 200),
]);
const ORDER_HEADER_MIDDLE: StructureNode[] = [
  seg('TAX', 'O', N), seg('FOB', 'O', N), seg('CTP', 'O', N), seg('PAM', 'O', 10), seg('CSH', 'O', 5), seg('TC2', 'O', N), SAC_LOOP, seg('ITD', 'O', N), seg('DIS', 'O', 20),
  seg('INC'), seg('DTM', 'O', 10), seg('LDT', 'O', 12), seg('LIN', 'O', 5), seg('SI', 'O', N), seg('PID', 'O', 200), seg('MEA', 'O', 40), seg('PWK', 'O', 25), seg('PKG', 'O', 200),
  ...CARRIER, seg('MAN', 'O', 10), seg('PCT', 'O', N), seg('CTB', 'O', 5), seg('TXI', 'O', N),
];

/** The PO1 loop of the 850 and the 855; the 855 adds line acknowledgements (ACK) before the schedule. */
function orderLineLoop(req: 'M' | 'O', acknowledgements: boolean): StructureNode {
  return loop('PO1', req, 100000, [
    seg('PO1', 'M'), seg('LIN', 'O', N), seg('SI', 'O', N), seg('CUR'), seg('CN1'), seg('PO3', 'O', 25), loop('CTP', 'O', N, [seg('CTP', 'M'), seg('CUR')]), seg('PAM', 'O', 10),
    seg('MEA', 'O', 40), loop('PID', 'O', 1000, [seg('PID', 'M'), seg('MEA', 'O', 10)]), seg('PWK', 'O', 25), seg('PO4', 'O', N), seg('REF', 'O', N), seg('PER', 'O', 3),
    loop('SAC', 'O', 25, [seg('SAC', 'M'), seg('CUR'), seg('CTP')]), seg('IT8'), seg('CSH', 'O', N), seg('ITD', 'O', 2), seg('DIS', 'O', 20), seg('INC'), seg('TAX', 'O', N),
    seg('FOB', 'O', N), seg('SDQ', 'O', 500), seg('IT3', 'O', 5), seg('DTM', 'O', 10), seg('TC2', 'O', N), ...CARRIER, seg('PCT', 'O', N), seg('MAN', 'O', 10), seg('MSG', 'O', N),
    seg('SPI', 'O', N), seg('TXI', 'O', N), seg('CTB', 'O', N),
    ...(acknowledgements ? [loop('ACK', 'O', 104, [seg('ACK', 'M'), seg('DTM')])] : []),
    loop('QTY', 'O', N, [seg('QTY', 'M'), seg('SI', 'O', N)]), loop('SCH', 'O', 200, [seg('SCH', 'M'), ...CARRIER, seg('REF', 'O', N)]), seg('PKG', 'O', 200), seg('LS'),
    loop('LDT', 'O', N, [seg('LDT', 'M'), seg('QTY', 'O', N), seg('MSG', 'O', N), seg('REF', 'O', 3)]), seg('LE'),
    loop('N9', 'O', 1000, [seg('N9', 'M'), seg('DTM', 'O', N), seg('MEA', 'O', 40), seg('MSG', 'O', 1000)]),
    loop('N1', 'O', 200, [
      seg('N1', 'M'), seg('N2', 'O', 2), seg('N3', 'O', 2), seg('N4'), seg('QTY', 'O', N), seg('NX2', 'O', N), seg('REF', 'O', 12), seg('PER', 'O', 3), seg('SI', 'O', N), seg('DTM'), seg('FOB'),
      seg('SCH', 'O', 200), ...CARRIER, seg('PKG', 'O', 200),
    ]),
    loop('SLN', 'O', 1000, [seg('SLN', 'M'), seg('MSG', 'O', N), seg('SI', 'O', N), seg('PID', 'O', 1000), seg('PO3', 'O', 104), seg('TC2', 'O', N), seg('ADV', 'O', N), seg('DTM', 'O', 10), seg('CTP', 'O', 25), seg('PAM', 'O', 10), seg('PO4'), seg('TAX', 'O', 3), seg('SAC', 'O', 25), seg('QTY', 'O', N), seg('N1', 'O', N)]),
    loop('AMT', 'O', N, [seg('AMT', 'M'), seg('REF'), seg('PCT', 'O', N)]),
    LM_LOOP,
  ]);
}

const TOTALS_LOOP = loop('CTT', 'O', 1, [seg('CTT', 'M'), seg('AMT')]);

const PO850: SetSpec = {
  id: '850',
  name: 'Purchase Order',
  functionalId: 'PO',
  structure: [
    ENVELOPE_START, seg('BEG', 'M'), seg('CUR'), seg('REF', 'O', N), seg('PER', 'O', 3), ...ORDER_HEADER_MIDDLE,
    loop('AMT', 'O', N, [seg('AMT', 'M'), seg('REF', 'O', N), seg('DTM'), seg('PCT', 'O', N)]), N9_LOOP, PARTY_LOOP, LM_LOOP,
    loop('SPI', 'O', N, [seg('SPI', 'M'), seg('REF', 'O', 5), seg('DTM', 'O', 5), seg('MSG', 'O', 50)]), loop('ADV', 'O', N, [seg('ADV', 'M'), seg('DTM', 'O', N), seg('MTX', 'O', N)]),
    orderLineLoop('M', false), TOTALS_LOOP, ENVELOPE_END,
  ],
};

const PR855: SetSpec = {
  id: '855',
  name: 'Purchase Order Acknowledgment',
  functionalId: 'PR',
  structure: [
    ENVELOPE_START, seg('BAK', 'M'), seg('CUR'), seg('REF', 'O', 12), seg('PER', 'O', 3), ...ORDER_HEADER_MIDDLE, N9_LOOP, PARTY_LOOP,
    loop('ADV', 'O', N, [seg('ADV', 'M'), seg('DTM', 'O', N), seg('MTX', 'O', N)]), orderLineLoop('O', true), TOTALS_LOOP, ENVELOPE_END,
  ],
};

/** The 856 is one HL loop: shipment, order, tare, pack and item levels all use it, told apart by HL03. */
const SH856: SetSpec = {
  id: '856',
  name: 'Ship Notice/Manifest',
  functionalId: 'SH',
  structure: [
    ENVELOPE_START, seg('BSN', 'M'), seg('DTM', 'O', 10),
    loop('HL', 'M', 200000, [
      seg('HL', 'M'), seg('LIN'), seg('SN1'), seg('SLN', 'O', 1000), seg('PRF'), seg('PO4'), seg('PID', 'O', 200), seg('MEA', 'O', 40), seg('PWK', 'O', 25), seg('PKG', 'O', 25),
      seg('TD1', 'O', 20), seg('TD5', 'O', 12), seg('TD3', 'O', 12), seg('TD4', 'O', 5), seg('TSD'), seg('REF', 'O', N), seg('PER', 'O', 3),
      loop('LH1', 'O', 100, [seg('LH1', 'M'), seg('LH2', 'O', 4), seg('LH3', 'O', 10), seg('LFH', 'O', 20), seg('LEP', 'O', 3), seg('LH4'), seg('LHT', 'O', 3), seg('LHR', 'O', 10), seg('PER', 'O', 5), seg('LHE')]),
      loop('CLD', 'O', 200, [seg('CLD', 'M'), seg('REF', 'O', N), seg('DTP')]), seg('MAN', 'O', N), seg('DTM', 'O', 10), seg('FOB'), seg('PAL'),
      loop('N1', 'O', 200, [seg('N1', 'M'), seg('N2', 'O', 2), seg('N3', 'O', 2), seg('N4'), seg('REF', 'O', 12), seg('PER', 'O', 3), seg('FOB')]),
      seg('SDQ', 'O', 50), seg('ETD'), seg('CUR'), loop('SAC', 'O', N, [seg('SAC', 'M'), seg('CUR')]), seg('GF'), seg('YNQ', 'O', 10), LM_LOOP,
      loop('V1', 'O', N, [seg('V1', 'M'), seg('R4', 'O', N), seg('DTM', 'O', N)]), loop('FA1', 'O', N, [seg('FA1', 'M'), seg('FA2', 'M', N)]),
    ]),
    seg('CTT'), ENVELOPE_END,
  ],
};

const IN810: SetSpec = {
  id: '810',
  name: 'Invoice',
  functionalId: 'IN',
  structure: [
    ENVELOPE_START, seg('BIG', 'M'), seg('NTE', 'O', 100), seg('CUR'), seg('REF', 'O', 12), seg('YNQ', 'O', 10), seg('PER', 'O', 3),
    loop('N1', 'O', 200, [seg('N1', 'M'), seg('N2', 'O', 2), seg('N3', 'O', 2), seg('N4'), seg('REF', 'O', 12), seg('PER', 'O', 3), seg('DMG')]),
    seg('ITD', 'O', N), seg('DTM', 'O', 10), seg('FOB'), seg('PID', 'O', 200), seg('MEA', 'O', 40), seg('PWK', 'O', 25), seg('PKG', 'O', 25), seg('L7'), seg('BAL', 'O', N),
    seg('INC'), seg('PAM', 'O', N), loop('LM', 'O', 10, [seg('LM', 'M'), seg('LQ', 'M', 100)]), loop('N9', 'O', 1, [seg('N9', 'M'), seg('MSG', 'O', 10)]),
    loop('V1', 'O', N, [seg('V1', 'M'), seg('R4', 'O', N), seg('DTM', 'O', N)]), loop('FA1', 'O', N, [seg('FA1', 'M'), seg('FA2', 'M', N)]),
    loop('IT1', 'O', 200000, [
      seg('IT1', 'M'), seg('CRC'), seg('QTY', 'O', 5), seg('CUR'), seg('IT3', 'O', 5), seg('TXI', 'O', 10), seg('CTP', 'O', 25), seg('PAM', 'O', 10), seg('MEA', 'O', 40),
      loop('PID', 'O', 1000, [seg('PID', 'M'), seg('MEA', 'O', 10)]), seg('PWK', 'O', 25), seg('PKG', 'O', 25), seg('PO4'), seg('ITD', 'O', 2), seg('REF', 'O', N), seg('YNQ', 'O', 10),
      seg('PER', 'O', 5), seg('SDQ', 'O', 500), seg('DTM', 'O', 10), seg('CAD', 'O', N), seg('L7', 'O', N), seg('SR'), loop('SAC', 'O', 25, [seg('SAC', 'M'), seg('TXI', 'O', 10)]),
      loop('SLN', 'O', 1000, [seg('SLN', 'M'), seg('DTM'), seg('REF', 'O', N), seg('PID', 'O', 1000), seg('SAC', 'O', 25), seg('TC2', 'O', 2), seg('TXI', 'O', 10)]),
      loop('N1', 'O', 200, [seg('N1', 'M'), seg('N2', 'O', 2), seg('N3', 'O', 2), seg('N4'), seg('REF', 'O', 12), seg('PER', 'O', 3), seg('DMG')]),
      loop('LM', 'O', 10, [seg('LM', 'M'), seg('LQ', 'M', 100)]), loop('V1', 'O', N, [seg('V1', 'M'), seg('R4', 'O', N), seg('DTM', 'O', N)]),
      loop('FA1', 'O', N, [seg('FA1', 'M'), seg('FA2', 'M', N)]),
    ]),
    seg('TDS', 'M'), seg('TXI', 'O', 10), seg('CAD'), seg('AMT', 'O', N), loop('SAC', 'O', 25, [seg('SAC', 'M'), seg('TXI', 'O', 10)]),
    loop('ISS', 'O', N, [seg('ISS', 'M'), seg('PID')]), seg('CTT'), ENVELOPE_END,
  ],
};

const IB846: SetSpec = {
  id: '846',
  name: 'Inventory Inquiry/Advice',
  functionalId: 'IB',
  structure: [
    ENVELOPE_START, seg('BIA', 'M'), seg('CUR'), seg('REF', 'O', 12), seg('PER', 'O', 3), seg('MEA', 'O', 10), seg('DTM', 'O', 10),
    loop('N1', 'O', N, [seg('N1', 'M'), seg('N2', 'O', 2), seg('N3', 'O', 2), seg('N4'), seg('PER', 'O', 3)]), LM_LOOP,
    loop('LIN', 'M', 10000, [
      seg('LIN', 'M'), seg('SN1'), seg('SLN', 'O', 100), seg('PID', 'O', 200), seg('PO3', 'O', 25), seg('CTP', 'O', 25), seg('PO4', 'O', 10), seg('MEA', 'O', 10), seg('PWK', 'O', 25),
      seg('PKG', 'O', 25), ...CARRIER, seg('MAN', 'O', 10), seg('DTM', 'O', 10), seg('REF', 'O', N), seg('PER', 'O', 5), seg('SAC', 'O', N),
      loop('QTY', 'O', N, [seg('QTY', 'M'), seg('UIT'), seg('SCH', 'O', 25), seg('DTM', 'O', 10), seg('REF', 'O', N)]),
      loop('N1', 'O', N, [seg('N1', 'M'), seg('N2', 'O', 2), seg('N3', 'O', 2), seg('N4'), seg('PER', 'O', 3), seg('QTY', 'O', N)]), LM_LOOP,
    ]),
    seg('CTT'), ENVELOPE_END,
  ],
};

const WAREHOUSE_PARTY_LOOP = loop('N1', 'O', 10, [seg('N1', 'M'), seg('N2'), seg('N3', 'O', 2), seg('N4'), seg('G61', 'O', 3), seg('PER', 'O', 3)]);

/** Detail lines of the 940/945/944 may stand alone or be numbered by an LX each. */
function warehouseLines(trigger: string, children: StructureNode[], lineDetail: StructureNode[] = []): StructureNode[] {
  const lines = loop(trigger, 'O', 9999, [seg(trigger, 'M'), ...children]);
  return [loop('LX', 'O', 9999, [seg('LX', 'M'), ...lineDetail, lines]), lines];
}

const OW940: SetSpec = {
  id: '940',
  name: 'Warehouse Shipping Order',
  functionalId: 'OW',
  structure: [
    ENVELOPE_START, seg('W05', 'M'), WAREHOUSE_PARTY_LOOP, seg('N9', 'O', 10), seg('G62', 'O', 2), seg('NTE', 'O', 10), seg('W66', 'M'), LM_LOOP,
    ...warehouseLines('W01', [seg('G69', 'O', 5), seg('N9', 'O', 200), seg('W20'), seg('AT8'), seg('G62', 'O', 5), seg('NTE', 'O', 10), seg('MAN', 'O', 10), LM_LOOP]),
    seg('W76', 'M'), ENVELOPE_END,
  ],
};

const SW945: SetSpec = {
  id: '945',
  name: 'Warehouse Shipping Advice',
  functionalId: 'SW',
  structure: [
    ENVELOPE_START, seg('W06', 'M'), WAREHOUSE_PARTY_LOOP, seg('N9', 'O', 30), seg('G62', 'O', 10), seg('NTE', 'O', 20), seg('W27'), seg('W10'), LM_LOOP,
    ...warehouseLines('W12', [seg('G69', 'O', 5), seg('N9', 'O', 200), seg('W20'), seg('AT8'), seg('MAN', 'O', 10)], [seg('MAN', 'O', 10), seg('PAL'), seg('N9', 'O', 200)]),
    seg('W03', 'M'), ENVELOPE_END,
  ],
};

const RE944: SetSpec = {
  id: '944',
  name: 'Warehouse Stock Transfer Receipt Advice',
  functionalId: 'RE',
  structure: [
    ENVELOPE_START, seg('W17', 'M'), WAREHOUSE_PARTY_LOOP, seg('N9', 'O', 10), seg('G62', 'O', 5), seg('W08'), seg('NTE', 'O', 10),
    ...warehouseLines('W07', [seg('G69', 'O', 5), seg('N9', 'O', 200), seg('W20'), seg('QTY', 'O', N), seg('MAN', 'O', 10)]),
    seg('W14', 'M'), ENVELOPE_END,
  ],
};

const FA997_4010: SetSpec = {
  id: '997',
  name: 'Functional Acknowledgment',
  functionalId: 'FA',
  structure: [
    ENVELOPE_START, seg('AK1', 'M'),
    loop('AK2', 'O', 999999, [seg('AK2', 'M'), loop('AK3', 'O', 999999, [seg('AK3', 'M'), seg('AK4', 'O', 99)]), seg('AK5', 'M')]),
    seg('AK9', 'M'), ENVELOPE_END,
  ],
};

const FA997_5010: SetSpec = {
  ...FA997_4010,
  structure: [
    ENVELOPE_START, seg('AK1', 'M'),
    loop('AK2', 'O', 999999, [seg('AK2', 'M'), loop('AK3', 'O', 999999, [seg('AK3', 'M'), seg('CTX', 'O', 10), seg('AK4', 'O', 99)]), seg('AK5', 'M')]),
    seg('AK9', 'M'), ENVELOPE_END,
  ],
};

const FA999: SetSpec = {
  id: '999',
  name: 'Implementation Acknowledgment',
  functionalId: 'FA',
  structure: [
    ENVELOPE_START, seg('AK1', 'M'),
    loop('AK2', 'O', 999999, [
      seg('AK2', 'M'),
      loop('IK3', 'O', 999999, [seg('IK3', 'M'), seg('CTX', 'O', 10), loop('IK4', 'O', 99, [seg('IK4', 'M'), seg('CTX', 'O', 10)])]),
      seg('IK5', 'M'),
    ]),
    seg('AK9', 'M'), ENVELOPE_END,
  ],
};

const sets004010: Record<string, SetSpec> = { '850': PO850, '855': PR855, '856': SH856, '810': IN810, '846': IB846, '940': OW940, '945': SW945, '944': RE944, '997': FA997_4010 };
const sets005010: Record<string, SetSpec> = { ...sets004010, '997': FA997_5010, '999': FA999 };

/** The specification of a set in a version family, or undefined when we have none. */
export function setSpec(family: VersionFamily, setId: string): SetSpec | undefined {
  return (family === '004010' ? sets004010 : sets005010)[setId];
}
