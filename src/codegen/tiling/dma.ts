// DMA lines of generated mode's weight staging: start a DDR -> on-chip copy on a channel WITHOUT
// waiting (the copy overlaps the following compute; the consumer waits on the channel before use).
// Emitted between inlined layers, where no register is live, so u0/v0/w0 and xr0..xr5 are free.
import { BwvmError } from '../../util/errors.js';

const MAX_ADDR = (1 << 21) - 1; // address-register immediates are 21-bit unsigned

/** Lines that start DDR[src .. src+n) -> chip[dst .. dst+n) on DMA channel `ch` (no wait). */
export function stageLines(src: number, dst: number, n: number, ch: number): string[] {
  for (const [what, v] of [['DDR source', src + n], ['on-chip destination', dst + n], ['length', n]] as const) {
    if (!(Number.isInteger(v) && v >= 0 && v <= MAX_ADDR)) {
      throw new BwvmError('CODEGEN_TILING', `weight staging: DMA ${what} ${v} does not fit a 21-bit address immediate`, { hint: 'keep DDR weights below 2M words' });
    }
  }
  return [
    `u0 = ${src} || v0 = ${dst} || w0 = ${n}`,
    'xr0 = u0 || xr1 = v0 || xr2 = w0 || xr3 = 1 || xr4 = 0 || xr5 = 0',
    `dma${ch} in xr0`,
  ];
}
