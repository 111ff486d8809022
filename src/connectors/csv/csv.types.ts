/**
 * Shared shapes of CSV intake. A row is named the way a spreadsheet numbers it (`row`, the header is
 * row 1) and the way a text editor does (`line`, where the row starts: a quoted cell may span lines).
 */

/** Where something is in a CSV file. */
export interface RowRef {
  row: number;
  line: number;
}

/** One problem found in a file: in a row and column when it has one, with a stable code. */
export interface CsvProblem {
  row?: number;
  line?: number;
  /** The column's header as written in the file, or the documented name when the file lacks it. */
  column?: string;
  code: string;
  message: string;
}

/** How a folder's CSV files are read. */
export interface CsvOptions {
  /** One ASCII character; `,` unless the folder says otherwise. */
  delimiter: string;
  /**
   * Values for columns a file does not carry (or leaves empty), by documented column name, such as
   * `{ "channel": "EDI" }` for a partner whose files never name the channel.
   */
  defaults: Readonly<Record<string, string>>;
}
