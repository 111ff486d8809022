/** Row types of the file connector's table. */
export interface FileIntakeRow {
  /** The claim id, one per take of a file (a file re-taken after a crash gets a new one). */
  id: string;
  folder: string;
  file_name: string;
  sha256: string | null;
  size_bytes: number;
  /** `processed`, `partial` or `rejected`. */
  outcome: string;
  messages: number;
  problems: number;
  /** Where the file went, relative to the folder: `archive/2026-01-01/orders.csv`, `error/orders.csv`. */
  stored_as: string;
  first_problem: string | null;
  claimed_at: number;
  finished_at: number;
}

export interface FileTables {
  file_intake: FileIntakeRow;
}
