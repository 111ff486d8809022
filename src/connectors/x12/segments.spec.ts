import { codes, composite, e, idPairs, loose, rules, segmentSpec as s, type ElementSpec, type SegmentSpec } from './spec.ts';

/**
 * The data dictionary: element definitions of the segments our transaction sets use, for 004010,
 * and what 005010 changes. A segment that a structure names but this dictionary does not define is
 * checked for its place in the set only. Code lists are given for the key elements (purposes,
 * acknowledgement and status codes, HL child codes, acknowledgement error codes); other ID elements
 * are checked for length and characters only, because their code lists run to hundreds of values
 * that partners extend by agreement.
 */

const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
const twoDigits = (from: number, to: number): string[] => range(from, to).map((code) => code.padStart(2, '0'));

/** 353 Transaction Set Purpose Code. */
export const PURPOSE_CODES = codes(...twoDigits(0, 56), '5C', '77', 'CN', 'CO', 'EX', 'GR', 'PR', 'RH', 'RV', 'SU', 'ZZ');
/** 587 Acknowledgment Type (BAK02). */
const ACKNOWLEDGMENT_TYPES = codes('AC', 'AD', 'AE', 'AH', 'AK', 'AP', 'AT', 'NA', 'RD', 'RF', 'RJ', 'RN', 'RO', 'RV', 'ZZ');
/** 668 Line Item Status Code (ACK01). */
export const LINE_STATUS_CODES = codes('AC', 'AR', 'BP', 'DR', 'IA', 'IB', 'IC', 'ID', 'IE', 'IF', 'IH', 'IP', 'IQ', 'IR', 'IS', 'IW', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'SP');
/** 736 Hierarchical Child Code. */
const HL_CHILD_CODES = codes('0', '1');
/** 717 Transaction Set Acknowledgment Code (AK501, IK501). */
const SET_ACK_CODES = codes('A', 'E', 'M', 'R', 'W', 'X');
/** 715 Functional Group Acknowledge Code (AK901). */
const GROUP_ACK_CODES = codes('A', 'E', 'M', 'P', 'R', 'W', 'X');
/** 720 Segment Syntax Error Code (AK304) and 620 Implementation Segment Syntax Error Code (IK304). */
const SEGMENT_ERROR_CODES = codes(...range(1, 8));
const IMPLEMENTATION_SEGMENT_ERROR_CODES = codes(...range(1, 8), 'I4', 'I6', 'I7', 'I8', 'I9');
/** 723 Data Element Syntax Error Code (AK403) and 621 Implementation Data Element Syntax Error Code (IK403). */
const ELEMENT_ERROR_CODES = codes(...range(1, 10), '12', '13');
const IMPLEMENTATION_ELEMENT_ERROR_CODES = codes(...range(1, 10), '12', '13', 'I6', 'I9', 'I10', 'I11', 'I12', 'I13');
/** 718 Transaction Set Syntax Error Code (AK502) and 618 Implementation Transaction Set Syntax Error Code (IK502). */
const SET_ERROR_CODES = codes(...range(1, 27));
const IMPLEMENTATION_SET_ERROR_CODES = codes(...range(1, 27), 'I5', 'I6');
/** 716 Functional Group Syntax Error Code (AK905). */
const GROUP_ERROR_CODES = codes(...range(1, 26));
/** I17 Interchange Acknowledgment Code and I18 Interchange Note Code (TA104, TA105). */
const TA1_ACK_CODES = codes('A', 'E', 'R');
const TA1_NOTE_CODES = codes(...range(0, 31).map((code) => code.padStart(3, '0')));

const C001 = composite('X C001', [e('M ID 2/2 355'), ...loose(14, 'X')]);
const C040 = composite('O C040', [e('M ID 2/3 128'), e('M AN 1/30 127'), e('X ID 2/3 128'), e('X AN 1/30 127'), e('X ID 2/3 128'), e('X AN 1/30 127')]);
const DATE_TIME_TRIPLES = (n: number): ElementSpec[] => Array.from({ length: n }, () => [e('X ID 3/3 374'), e('X DT 8/8 373'), e('X TM 4/8 337')]).flat();

const segments004010: Record<string, SegmentSpec> = {
  ST: s('ST', 'Transaction Set Header', [e('M ID 3/3 143'), e('M AN 4/9 329')]),
  SE: s('SE', 'Transaction Set Trailer', [e('M N0 1/10 96'), e('M AN 4/9 329')]),
  BEG: s('BEG', 'Beginning Segment for Purchase Order', [
    e('M ID 2/2 353', PURPOSE_CODES), e('M ID 2/2 92'), e('M AN 1/22 324'), e('O AN 1/30 328'), e('M DT 8/8 373'), e('O AN 1/30 367'),
    e('O ID 2/2 587'), e('O ID 3/3 1019'), e('O ID 2/2 1166'), e('O ID 2/2 1232'), e('O ID 2/2 786'), e('O ID 2/2 640'),
  ]),
  CUR: s('CUR', 'Currency', [e('M ID 2/3 98'), e('M ID 3/3 100'), e('O R 1/10 280'), e('O ID 2/3 98'), e('O ID 3/3 100'), e('O ID 3/3 669'), ...DATE_TIME_TRIPLES(5)], rules('C0807', 'C0907')),
  REF: s('REF', 'Reference Identification', [e('M ID 2/3 128'), e('X AN 1/30 127'), e('X AN 1/80 352'), C040], rules('R0203')),
  PER: s('PER', 'Administrative Communications Contact', [e('M ID 2/2 366'), e('O AN 1/60 93'), e('X ID 2/2 365'), e('X AN 1/80 364'), e('X ID 2/2 365'), e('X AN 1/80 364'), e('X ID 2/2 365'), e('X AN 1/80 364'), e('O AN 1/20 443')], rules('P0304', 'P0506', 'P0708')),
  DTM: s('DTM', 'Date/Time Reference', [e('M ID 3/3 374'), e('X DT 8/8 373'), e('X TM 4/8 337'), e('O ID 2/2 623'), e('X ID 2/3 1250'), e('X AN 1/35 1251')], rules('R020305', 'C0403', 'P0506')),
  N1: s('N1', 'Name', [e('M ID 2/3 98'), e('X AN 1/60 93'), e('X ID 1/2 66'), e('X AN 2/80 67'), e('O ID 2/2 706'), e('O ID 2/3 98')], rules('R0203', 'P0304')),
  N2: s('N2', 'Additional Name Information', [e('M AN 1/60 93'), e('O AN 1/60 93')]),
  N3: s('N3', 'Address Information', [e('M AN 1/55 166'), e('O AN 1/55 166')]),
  N4: s('N4', 'Geographic Location', [e('O AN 2/30 19'), e('O ID 2/2 156'), e('O ID 3/15 116'), e('O ID 2/3 26'), e('X ID 1/2 309'), e('O AN 1/30 310')], rules('C0605')),
  ITD: s('ITD', 'Terms of Sale/Deferred Terms of Sale', [
    e('O ID 2/2 336'), e('O ID 1/2 333'), e('O R 1/6 338'), e('X DT 8/8 370'), e('X N0 1/3 351'), e('X DT 8/8 446'), e('O N0 1/3 386'),
    e('X N2 1/10 362'), e('X DT 8/8 388'), e('X N0 1/3 389'), e('X R 1/5 342'), e('O AN 1/80 352'), e('X N0 1/2 765'), e('O ID 1/2 107'), e('X R 1/10 954'),
  ]),
  PKG: s('PKG', 'Marking, Packaging, Loading', [e('X ID 1/1 349'), e('O ID 2/2 753'), e('O ID 2/2 559'), e('X AN 1/7 754'), e('X AN 1/80 352'), e('O')]),
  TD1: s('TD1', 'Carrier Details (Quantity and Weight)', [e('O AN 3/5 103'), e('X N0 1/7 80'), e('O ID 1/1 23'), e('X AN 1/30 22'), e('O AN 1/50 79'), e('O ID 1/2 187'), e('X R 1/10 81'), e('X ID 2/2 355'), e('X R 1/8 183'), e('X ID 2/2 355')], rules('C0102')),
  TD5: s('TD5', 'Carrier Details (Routing Sequence/Transit Time)', [e('O ID 1/2 133'), e('X ID 1/2 66'), e('X AN 2/80 67'), e('X ID 1/2 91'), e('X AN 1/35 387'), e('X ID 2/2 368'), e('O ID 1/2 309'), e('X AN 1/30 310'), ...loose(7, 'X')], rules('P0203')),
  TD3: s('TD3', 'Carrier Details (Equipment)', [e('X ID 2/2 40'), e('O AN 1/4 206'), e('X AN 1/10 207'), ...loose(7, 'X')]),
  MEA: s('MEA', 'Measurements', [e('O ID 2/2 737'), e('O ID 1/3 738'), e('X R 1/20 739'), C001, ...loose(6, 'X')]),
  PID: s('PID', 'Product/Item Description', [e('M ID 1/1 349'), e('O ID 2/3 750'), e('X ID 2/2 559'), e('X AN 1/12 751'), e('X AN 1/80 352'), e('O ID 2/3 752'), e('O AN 1/15 822'), e('O ID 1/1 1073'), e('O ID 2/3 819')], rules('R0405')),
  PO1: s('PO1', 'Baseline Item Data', [e('O AN 1/20 350'), e('X R 1/15 330'), e('O ID 2/2 355'), e('X R 1/17 212'), e('O ID 2/2 639'), ...idPairs(10)], rules('C0302', 'C0504', ...pairNotes(6, 10))),
  PO4: s('PO4', 'Item Physical Details', [
    e('O N0 1/6 356'), e('X R 1/8 357'), e('X ID 2/2 355'), e('O AN 3/5 103'), e('X ID 1/2 187'), e('X R 1/9 384'), e('X ID 2/2 355'), e('X R 1/9 385'), e('X ID 2/2 355'),
    e('X R 1/8 82'), e('X R 1/8 189'), e('X R 1/8 65'), e('X ID 2/2 355'), e('O N0 1/6 810'), e('O'), e('X AN 1/20 350'), e('X AN 1/20 350'), e('O N0 1/9 1470'),
  ], rules('P0203', 'C0506', 'P0607', 'P0809')),
  CTT: s('CTT', 'Transaction Totals', [e('M N0 1/6 354'), e('O R 1/10 347'), e('X R 1/10 81'), e('X ID 2/2 355'), e('X R 1/8 183'), e('X ID 2/2 355'), e('O AN 1/80 352')], rules('P0304', 'P0506')),
  AMT: s('AMT', 'Monetary Amount', [e('M ID 1/3 522'), e('M R 1/18 782'), e('O ID 1/1 478')]),
  SAC: s('SAC', 'Service, Promotion, Allowance, or Charge Information', [
    e('M ID 1/1 248'), e('X ID 4/4 1300'), e('X ID 2/2 559'), e('X AN 1/10 1301'), e('O N2 1/15 610'), e('X ID 1/1 378'), e('X R 1/6 332'), e('X R 1/9 118'),
    e('X ID 2/2 355'), e('X R 1/15 380'), e('O R 1/15 380'), e('O ID 2/2 331'), e('X AN 1/30 127'), e('O AN 1/20 770'), e('X AN 1/80 352'), e('O ID 2/3 819'),
  ], rules('R0203', 'P0304')),
  TXI: s('TXI', 'Tax Information', [e('M ID 2/2 963'), e('X R 1/18 782'), e('X R 1/10 954'), e('X ID 2/2 955'), e('X AN 1/30 956'), e('O ID 1/1 441'), e('O ID 1/1 1325'), e('O R 1/9 662'), e('O AN 1/20 828'), e('O')]),
  BAK: s('BAK', 'Beginning Segment for Purchase Order Acknowledgment', [
    e('M ID 2/2 353', PURPOSE_CODES), e('M ID 2/2 587', ACKNOWLEDGMENT_TYPES), e('M AN 1/22 324'), e('M DT 8/8 373'), e('O AN 1/30 328'), e('O AN 1/30 326'),
    e('O AN 1/30 367'), e('O AN 1/30 127'), e('O DT 8/8 373'), e('O ID 2/2 640'),
  ]),
  ACK: s('ACK', 'Line Item Acknowledgment', [
    e('M ID 2/2 668', LINE_STATUS_CODES), e('X R 1/15 380'), e('X ID 2/2 355'), e('X ID 3/3 374'), e('O DT 8/8 373'), e('O AN 1/30 326'), ...idPairs(10),
    e('O ID 2/2 559'), e('O AN 1/15 822'), e('O AN 1/30 1271'),
  ], rules('P0203', 'C0405', ...pairNotes(7, 10))),
  SCH: s('SCH', 'Line Item Schedule', [
    e('M R 1/15 380'), e('M ID 2/2 355'), e('X ID 2/3 98'), e('X AN 1/60 93'), e('M ID 3/3 374'), e('M DT 8/8 373'), e('O TM 4/8 337'), e('X ID 3/3 374'), e('X DT 8/8 373'),
    e('O TM 4/8 337'), e('O AN 1/30 326'), e('O AN 1/20 350'),
  ], rules('C0304', 'P0809')),
  BSN: s('BSN', 'Beginning Segment for Ship Notice', [e('M ID 2/2 353', PURPOSE_CODES), e('M AN 2/30 396'), e('M DT 8/8 373'), e('M TM 4/8 337'), e('O ID 4/4 1005'), e('X ID 2/2 640'), e('O ID 3/3 641'), e('O')], rules('C0706')),
  HL: s('HL', 'Hierarchical Level', [e('M AN 1/12 628'), e('O AN 1/12 734'), e('M ID 1/2 735'), e('O ID 1/1 736', HL_CHILD_CODES)]),
  LIN: s('LIN', 'Item Identification', [e('O AN 1/20 350'), e('M ID 2/2 235'), e('M AN 1/48 234'), ...idPairs(14)], rules(...pairNotes(4, 14))),
  SN1: s('SN1', 'Item Detail (Shipment)', [e('O AN 1/20 350'), e('M R 1/10 382'), e('M ID 2/2 355'), e('O R 1/15 646'), e('X R 1/15 330'), e('X ID 2/2 355'), e('O R 1/15 728'), e('O ID 2/2 668')], rules('P0506')),
  PRF: s('PRF', 'Purchase Order Reference', [e('M AN 1/22 324'), e('O AN 1/30 328'), e('O AN 1/8 327'), e('O DT 8/8 373'), e('O AN 1/20 350'), e('O AN 1/30 367'), e('O ID 2/2 92')]),
  MAN: s('MAN', 'Marks and Numbers', [e('M ID 1/2 88'), e('M AN 1/48 87'), e('O AN 1/48 87'), e('X ID 1/2 88'), e('X AN 1/48 87'), e('O AN 1/48 87')], rules('P0405')),
  BIG: s('BIG', 'Beginning Segment for Invoice', [e('M DT 8/8 373'), e('M AN 1/22 76'), e('O DT 8/8 373'), e('O AN 1/22 324'), e('O AN 1/30 328'), e('O AN 1/8 327'), e('O ID 2/2 640'), e('O ID 2/2 353', PURPOSE_CODES), e('O ID 1/2 306'), e('O AN 1/22 76')]),
  NTE: s('NTE', 'Note/Special Instruction', [e('O ID 3/3 363'), e('M AN 1/80 352')]),
  IT1: s('IT1', 'Baseline Item Data (Invoice)', [e('O AN 1/20 350'), e('X R 1/10 358'), e('X ID 2/2 355'), e('X R 1/17 212'), e('O ID 2/2 639'), ...idPairs(10)], rules('P020304', ...pairNotes(6, 10))),
  TDS: s('TDS', 'Total Monetary Value Summary', [e('M N2 1/15 610'), e('O N2 1/15 610'), e('O N2 1/15 610'), e('O N2 1/15 610')]),
  ISS: s('ISS', 'Invoice Shipment Summary', [e('X R 1/10 382'), e('X ID 2/2 355'), e('X R 1/10 81'), e('X ID 2/2 355'), ...loose(2, 'X')], rules('P0102', 'P0304')),
  BIA: s('BIA', 'Beginning Segment for Inventory Inquiry/Advice', [e('M ID 2/2 353', PURPOSE_CODES), e('M ID 2/2 755'), e('M AN 1/30 127'), e('M DT 8/8 373'), e('O TM 4/8 337'), e('O ID 1/2 306')]),
  QTY: s('QTY', 'Quantity', [e('M ID 2/2 673'), e('X R 1/15 380'), C001, e('X AN 1/30 61')], rules('R0204', 'E0204')),
  LX: s('LX', 'Assigned Number', [e('M N0 1/6 554')]),
  G62: s('G62', 'Date/Time', [e('X ID 2/2 432'), e('X DT 8/8 373'), e('X ID 1/1 176'), e('X TM 4/8 337'), e('O ID 2/2 623')], rules('R0103', 'P0102', 'P0304')),
  G69: s('G69', 'Line Item Detail - Description', [e('M AN 1/45 352')]),
  N9: s('N9', 'Reference Identification', [e('M ID 2/3 128'), e('X AN 1/30 127'), e('X AN 1/45 369'), e('O DT 8/8 373'), e('X TM 4/8 337'), e('O ID 2/2 623'), C040], rules('R0203')),
  W05: s('W05', 'Shipping Order Identification', [e('M ID 1/1 473'), e('M AN 1/22 285'), e('O AN 1/22 324'), e('X'), e('X'), e('O ID 2/2 640'), e('O ID 1/2 306'), e('O ID 2/2 92')], rules('P0405')),
  W66: s('W66', 'Warehouse Carrier Information', [e('M ID 2/2 146'), e('M ID 1/2 91'), e('O'), e('O'), e('O AN 1/35 387'), e('O'), e('O'), e('X'), e('X'), e('O ID 2/4 140')], rules('P0809')),
  W01: s('W01', 'Line Item Detail - Warehouse', [
    e('M R 1/15 380'), e('M ID 2/2 355'), e('X AN 12/12 438'), e('X ID 2/2 235'), e('X AN 1/48 234'), e('X ID 2/2 235'), e('X AN 1/48 234'), e('O'), e('O'),
    e('X ID 1/1 23'), e('X AN 1/30 22'), e('O'), e('O AN 1/12 451'), e('O'), e('X ID 2/2 235'), e('X AN 1/48 234'), e('O'),
  ], rules('R0304', 'P0405', 'P0607', 'P1011', 'P1516')),
  W76: s('W76', 'Total Shipping Order', [e('M R 1/15 380'), e('X R 1/10 81'), e('X ID 2/2 355'), e('X R 1/8 183'), e('X ID 2/2 355'), e('O')], rules('P0203', 'P0405')),
  W06: s('W06', 'Warehouse Shipment Identification', [e('M ID 1/1 514'), e('M AN 1/22 285'), e('M DT 8/8 373'), e('O AN 1/30 145'), e('O AN 1/30 531'), e('O AN 1/22 324'), e('X'), e('X'), e('O'), e('O'), e('O ID 2/2 640'), e('O ID 1/2 306')], rules('P0708')),
  W27: s('W27', 'Carrier Detail', [e('M ID 1/2 91'), e('O ID 2/4 140'), e('O AN 1/35 387'), e('O ID 2/2 146'), ...loose(8)]),
  W12: s('W12', 'Warehouse Item Detail', [
    e('M ID 2/2 368'), e('O R 1/15 380'), e('O R 1/10 382'), e('O R 1/9 383'), e('O ID 2/2 355'), e('X AN 12/12 438'), e('X ID 2/2 235'), e('X AN 1/48 234'), e('O AN 1/12 451'),
    e('X R 1/10 81'), e('X ID 1/2 187'), e('X ID 1/1 188'), e('X R 1/10 81'), e('X ID 1/2 187'), e('X ID 1/1 188'), e('O AN 12/12 438'), e('X ID 2/2 235'), e('X AN 1/48 234'),
    e('O'), e('O'), e('X ID 2/2 235'), e('X AN 1/48 234'),
  ], rules('R0607', 'P0708', 'P101112', 'P131415', 'P1718', 'P2122')),
  W03: s('W03', 'Total Shipment Information', [e('M R 1/10 382'), e('X R 1/10 81'), e('X ID 2/2 355'), e('X R 1/8 183'), e('X ID 2/2 355'), e('X N0 1/7 80'), e('X ID 2/2 355')], rules('P0203', 'P0405', 'P0607')),
  W17: s('W17', 'Warehouse Receipt Identification', [e('M ID 1/1 514'), e('M DT 8/8 373'), e('M AN 1/12 394'), e('M AN 1/22 285'), e('O AN 1/30 145'), e('X'), e('X TM 4/8 337'), e('X'), e('X')], rules('P0607', 'P0809')),
  W07: s('W07', 'Item Detail for Stock Receipt', [
    e('M R 1/15 380'), e('M ID 2/2 355'), e('X AN 12/12 438'), e('X ID 2/2 235'), e('X AN 1/48 234'), e('X ID 2/2 235'), e('X AN 1/48 234'), e('O AN 1/12 451'), e('O'), e('X ID 2/2 235'), e('X AN 1/48 234'),
  ], rules('R0304', 'P0405', 'P0607', 'P1011')),
  W14: s('W14', 'Total Receipt Information', [e('M R 1/15 380'), e('O R 1/15 380'), e('O R 1/15 380'), e('O R 1/15 380'), e('O R 1/15 380')]),
  AK1: s('AK1', 'Functional Group Response Header', [e('M ID 2/2 479'), e('M N0 1/9 28')]),
  AK2: s('AK2', 'Transaction Set Response Header', [e('M ID 3/3 143'), e('M AN 4/9 329')]),
  AK3: s('AK3', 'Data Segment Note', [e('M ID 2/3 721'), e('M N0 1/6 719'), e('O AN 1/4 447'), e('O ID 1/3 720', SEGMENT_ERROR_CODES)]),
  AK4: s('AK4', 'Data Element Note', [composite('M C030', [e('M N0 1/2 722'), e('O N0 1/2 1528')]), e('O N0 1/4 725'), e('M ID 1/3 723', ELEMENT_ERROR_CODES), e('O AN 1/99 724')]),
  AK5: s('AK5', 'Transaction Set Response Trailer', [e('M ID 1/1 717', SET_ACK_CODES), ...Array.from({ length: 5 }, () => e('O ID 1/3 718', SET_ERROR_CODES))]),
  AK9: s('AK9', 'Functional Group Response Trailer', [e('M ID 1/1 715', GROUP_ACK_CODES), e('M N0 1/6 97'), e('M N0 1/6 123'), e('M N0 1/6 2'), ...Array.from({ length: 5 }, () => e('O ID 1/3 716', GROUP_ERROR_CODES))]),
  TA1: s('TA1', 'Interchange Acknowledgment', [e('M N0 9/9 I12'), e('M DT 6/6 I08'), e('M TM 4/4 I09'), e('M ID 1/1 I17', TA1_ACK_CODES), e('M ID 3/3 I18', TA1_NOTE_CODES)]),
};

/** What 005010 changes: longer references and contacts, ST03, AK103/AK203, the third C030 component, and the 999. */
const segments005010: Record<string, SegmentSpec> = {
  ...segments004010,
  ST: s('ST', 'Transaction Set Header', [e('M ID 3/3 143'), e('M AN 4/9 329'), e('O AN 1/35 1705')]),
  REF: s('REF', 'Reference Information', [e('M ID 2/3 128'), e('X AN 1/50 127'), e('X AN 1/80 352'), C040], rules('R0203')),
  PER: s('PER', 'Administrative Communications Contact', [e('M ID 2/2 366'), e('O AN 1/60 93'), e('X ID 2/2 365'), e('X AN 1/256 364'), e('X ID 2/2 365'), e('X AN 1/256 364'), e('X ID 2/2 365'), e('X AN 1/256 364'), e('O AN 1/20 443')], rules('P0304', 'P0506', 'P0708')),
  N4: s('N4', 'Geographic Location', [e('O AN 2/30 19'), e('O ID 2/2 156'), e('O ID 3/15 116'), e('O ID 2/3 26'), e('X ID 1/2 309'), e('O AN 1/30 310'), e('X ID 1/3 1715')], rules('C0605')),
  AK1: s('AK1', 'Functional Group Response Header', [e('M ID 2/2 479'), e('M N0 1/9 28'), e('O AN 1/12 480')]),
  AK2: s('AK2', 'Transaction Set Response Header', [e('M ID 3/3 143'), e('M AN 4/9 329'), e('O AN 1/35 1705')]),
  AK3: s('AK3', 'Data Segment Note', [e('M ID 2/3 721'), e('M N0 1/10 719'), e('O AN 1/4 447'), e('O ID 1/3 720', SEGMENT_ERROR_CODES)]),
  AK4: s('AK4', 'Data Element Note', [composite('M C030', [e('M N0 1/2 722'), e('O N0 1/2 1528'), e('O N0 1/4 1686')]), e('O N0 1/4 725'), e('M ID 1/3 723', ELEMENT_ERROR_CODES), e('O AN 1/99 724')]),
  IK3: s('IK3', 'Implementation Data Segment Note', [e('M ID 2/3 721'), e('M N0 1/10 719'), e('O AN 1/4 447'), e('O ID 1/3 620', IMPLEMENTATION_SEGMENT_ERROR_CODES)]),
  IK4: s('IK4', 'Implementation Data Element Note', [composite('M C030', [e('M N0 1/2 722'), e('O N0 1/2 1528'), e('O N0 1/4 1686')]), e('O N0 1/4 725'), e('M ID 1/3 621', IMPLEMENTATION_ELEMENT_ERROR_CODES), e('O AN 1/99 724')]),
  IK5: s('IK5', 'Implementation Transaction Set Response Trailer', [e('M ID 1/1 717', SET_ACK_CODES), ...Array.from({ length: 5 }, () => e('O ID 1/3 618', IMPLEMENTATION_SET_ERROR_CODES))]),
};

/** The dictionary for a version family (`004010` or `005010`). */
export function segmentSpecs(family: '004010' | '005010'): Record<string, SegmentSpec> {
  return family === '004010' ? segments004010 : segments005010;
}

/** `P0607`, `P0809`, … for `count` (qualifier, id) pairs starting at element `first`. */
function pairNotes(first: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const a = first + 2 * i;
    return `P${String(a).padStart(2, '0')}${String(a + 1).padStart(2, '0')}`;
  });
}
