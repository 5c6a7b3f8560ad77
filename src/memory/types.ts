// Memory planner data: buffer lifetimes ({id, size, first, last, region}) in, placements out.
// Times are step indices (e.g. node positions in a topological order); a buffer is live on
// the closed range [first, last]. The planner knows nothing about graphs.

export interface Interval {
  id: string;
  /** Bytes. */
  size: number;
  /** First step the buffer is live (its producer). */
  first: number;
  /** Last step the buffer is live (its last reader), >= first. */
  last: number;
  /** Where it must live ('onchip' | 'ddr' | ...), when fixed by the caller. */
  region?: string;
  /** How many times the buffer is read (used by region placement to rank buffers). */
  uses?: number;
}

export interface Placement extends Interval {
  offset: number;
  /** On-chip block index (block-aware region placement only); offset stays global. */
  block?: number;
}

export interface Plan {
  placements: Placement[];
  /** Bytes of the arena: max(offset + size) over placements (0 when empty). */
  arenaBytes: number;
  alignment: number;
}

export interface PlanOptions {
  /** Offsets are multiples of this (bytes, power of two or any positive integer). Default 16. */
  alignment?: number;
}

export const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Two closed lifetimes share at least one step. */
export const liveTogether = (a: Interval, b: Interval): boolean => a.first <= b.last && b.first <= a.last;
