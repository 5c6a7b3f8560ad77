// Runtime DMA helper: assembly lines that copy n words from DDR to on-chip memory on channel 0 and
// wait for it (used between calls to stage weights kept in DDR). Nothing is live between calls,
// so the lines freely use u0/v0/w0 and registers xr0..xr5 for the descriptor.
import { BwvmError } from '../../util/errors.js';

const MAX_ADDR = (1 << 21) - 1; // address-register immediates are 21-bit unsigned

/** Lines for DDR[src .. src+n) -> chip[dst .. dst+n), then wait. */
export function dmaInLines(src: number, dst: number, n: number): string[] {
  for (const [what, v] of [['DDR source', src + n], ['on-chip destination', dst + n], ['length', n]] as const) {
    if (!(Number.isInteger(v) && v >= 0 && v <= MAX_ADDR)) {
      throw new BwvmError('DSPLIB_RUNTIME', `DMA ${what} ${v} does not fit a 21-bit address immediate`, { hint: 'keep staged weights below 2M words of DDR' });
    }
  }
  return [
    `u0 = ${src} || v0 = ${dst} || w0 = ${n}`,
    'xr0 = u0 || xr1 = v0 || xr2 = w0 || xr3 = 1 || xr4 = 0 || xr5 = 0',
    'dma0 in xr0',
    'dma0 wait',
  ];
}
