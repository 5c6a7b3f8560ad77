// On-chip memory allocator of the DSP runtime: first-fit over a sorted free list of word ranges,
// aligned starts, coalescing frees. Live buffers never overlap (checked by `live()` consumers and
// the tests); running out names the request and the largest free range.
import { BwvmError } from '../../util/errors.js';

export interface Block { name: string; addr: number; words: number }

export class ChipAllocator {
  private free: Array<{ addr: number; words: number }>;
  private used = new Map<string, Block>();
  /** Highest address in use at any time (words). */
  peak = 0;

  constructor(readonly base: number, readonly limit: number, readonly align = 8) {
    if (!(limit > base)) throw new BwvmError('DSPLIB_RUNTIME', `allocator range ${base}..${limit} is empty`);
    this.free = [{ addr: base, words: limit - base }];
  }

  /** Allocate `words` (>= 1) at an address that is a multiple of `align`. */
  alloc(name: string, words: number, align = this.align): number {
    if (this.used.has(name)) throw new BwvmError('DSPLIB_RUNTIME', `buffer '${name}' is already allocated`);
    const n = Math.max(1, Math.ceil(words));
    for (let i = 0; i < this.free.length; i++) {
      const f = this.free[i]!;
      const a = Math.ceil(f.addr / align) * align;
      if (a + n > f.addr + f.words) continue;
      const pieces = [{ addr: f.addr, words: a - f.addr }, { addr: a + n, words: f.addr + f.words - a - n }].filter((p) => p.words > 0);
      this.free.splice(i, 1, ...pieces);
      this.used.set(name, { name, addr: a, words: n });
      this.peak = Math.max(this.peak, a + n);
      return a;
    }
    const largest = this.free.reduce((m, f) => Math.max(m, f.words), 0);
    throw new BwvmError('DSPLIB_NO_MEMORY', `on-chip memory full: '${name}' needs ${n} words; the largest free range has ${largest} ` +
      `(${this.inUse()} of ${this.limit - this.base} words live)`, { hint: 'use a smaller model or input, or place weights in DDR' });
  }

  /** Release a buffer (its range merges with free neighbours). */
  release(name: string): void {
    const b = this.used.get(name);
    if (!b) throw new BwvmError('DSPLIB_RUNTIME', `buffer '${name}' is not allocated`);
    this.used.delete(name);
    let i = 0;
    while (i < this.free.length && this.free[i]!.addr < b.addr) i++;
    this.free.splice(i, 0, { addr: b.addr, words: b.words });
    for (let j = Math.max(0, i - 1); j < this.free.length - 1;) {
      const a = this.free[j]!, c = this.free[j + 1]!;
      if (a.addr + a.words === c.addr) { a.words += c.words; this.free.splice(j + 1, 1); } else j++;
    }
  }

  /** The live buffers, by address. */
  live(): Block[] { return [...this.used.values()].sort((a, b) => a.addr - b.addr); }
  inUse(): number { let s = 0; for (const b of this.used.values()) s += b.words; return s; }
  get(name: string): Block | undefined { return this.used.get(name); }
}

/** Pairs of live buffers that overlap (empty for a correct allocator). */
export function overlaps(blocks: readonly Block[]): Array<[string, string]> {
  const s = [...blocks].sort((a, b) => a.addr - b.addr);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < s.length; i++) {
    for (let j = i + 1; j < s.length && s[j]!.addr < s[i]!.addr + s[i]!.words; j++) out.push([s[i]!.name, s[j]!.name]);
  }
  return out;
}
