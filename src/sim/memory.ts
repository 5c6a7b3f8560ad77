// Machine storage: register files (int32/fp32 views of one buffer), address-generator registers,
// on-chip data memory (word addressed, 32-bit), and a lazily paged DDR so large DDR sizes cost
// only the pages a program touches.
import { AG_COUNT, AG_REGS, MAX_MACROS, MAX_REGS } from '../isa/index.js';

export class Registers {
  readonly buf = new ArrayBuffer(MAX_MACROS * MAX_REGS * 4);
  readonly I = new Int32Array(this.buf);
  readonly F = new Float32Array(this.buf);
  readonly A = new Int32Array(AG_COUNT * AG_REGS);
  clear(): void {
    this.I.fill(0);
    this.A.fill(0);
  }
}

export class ChipMemory {
  readonly I: Int32Array;
  readonly F: Float32Array;
  constructor(readonly words: number) {
    const buf = new ArrayBuffer(words * 4);
    this.I = new Int32Array(buf);
    this.F = new Float32Array(buf);
  }
}

const PAGE_BITS = 16;
const PAGE_WORDS = 1 << PAGE_BITS;

export class DdrMemory {
  private pages = new Map<number, Int32Array>();
  constructor(readonly words: number) {}
  private page(addr: number, create: boolean): Int32Array | undefined {
    const k = addr >>> PAGE_BITS;
    let p = this.pages.get(k);
    if (!p && create) { p = new Int32Array(PAGE_WORDS); this.pages.set(k, p); }
    return p;
  }
  read(addr: number): number {
    return this.page(addr, false)?.[addr & (PAGE_WORDS - 1)] ?? 0;
  }
  write(addr: number, v: number): void {
    this.page(addr, true)![addr & (PAGE_WORDS - 1)] = v;
  }
  clear(): void {
    this.pages.clear();
  }
  /** Bytes actually allocated (for diagnostics). */
  get allocatedBytes(): number {
    return this.pages.size * PAGE_WORDS * 4;
  }
}
