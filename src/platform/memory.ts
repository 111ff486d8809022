import { totalmem } from 'node:os';

/**
 * The memory this process may use, in bytes: a container's or service's cgroup limit when one is
 * set below the machine's memory, else the machine's. `os.totalmem()` alone reports the host's
 * memory inside a container, so a share of it could be more than the container may have.
 *
 * `constrained` is what `process.constrainedMemory()` reports: 0 or absent for no limit, and a
 * number above the machine's memory for a cgroup whose limit is "max".
 */
export function usableMemoryBytes(constrained: number | undefined = process.constrainedMemory?.(), total: number = totalmem()): number {
  return constrained !== undefined && constrained > 0 && constrained < total ? constrained : total;
}
