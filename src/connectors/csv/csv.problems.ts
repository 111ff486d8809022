import type { CsvProblem } from './csv.types.ts';

/**
 * Problems of one file, kept up to a limit and counted beyond it: a file of garbage can have a
 * problem on each of millions of rows, and a report names enough of them to act on without holding
 * them all in memory.
 */
export class ProblemList<T = CsvProblem> {
  readonly items: T[] = [];
  private total = 0;

  constructor(private readonly keepMax = 1_000) {}

  add(...problems: T[]): void {
    for (const problem of problems) {
      this.total++;
      if (this.items.length < this.keepMax) this.items.push(problem);
    }
  }

  get count(): number {
    return this.total;
  }

  /** Problems found but not kept. */
  get omitted(): number {
    return this.total - this.items.length;
  }
}
