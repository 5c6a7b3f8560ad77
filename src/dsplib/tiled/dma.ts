// DMA descriptors of a tiled kernel: a table of 6-word descriptors (src, dst, row length, rows,
// src row stride, dst row stride) in on-chip data, and the lines that load one into macro X's
// registers r48..r53 (three address generators in parallel) and start it on a channel.
export interface Dma {
  dir: 'in' | 'out';
  ch: number;
  /** Address expressions (`x+123`, `xb0+40`): DDR side and on-chip side as the direction needs. */
  src: string; dst: string;
  len: number; rows: number; sstr: number; dstr: number;
  /** Words moved (for the plan's figures). */
  words: number;
}

export const DESC_REG = 48;

export class DmaTable {
  readonly list: Dma[] = [];

  add(d: Omit<Dma, 'words'>): Dma {
    const full = { ...d, words: d.len * d.rows };
    this.list.push(full);
    return full;
  }

  /** Lines that start descriptor `d` (already added) on its channel. */
  issue(d: Dma, sym: string): string[] {
    const k = this.list.indexOf(d);
    if (k < 0) throw new Error('dsplib: DMA descriptor not in the table');
    const a = 6 * k, r = DESC_REG;
    return [
      `u15 = ${sym}+${a} || v15 = ${sym}+${a + 2} || w15 = ${sym}+${a + 4}`,
      `xr${r} = [u15+=1,0] || xr${r + 2} = [v15+=1,0] || xr${r + 4} = [w15+=1,0]`,
      `xr${r + 1} = [u15+=1,0] || xr${r + 3} = [v15+=1,0] || xr${r + 5} = [w15+=1,0]`,
      `dma${d.ch} ${d.dir} xr${r}`,
    ];
  }

  /** `.word` lines of the table (at its symbol). */
  data(sym: string): string[] {
    if (this.list.length === 0) return [`${sym}: .word 0`];
    return this.list.map((d, i) => `${i === 0 ? `${sym}: ` : ''}.word ${d.src}, ${d.dst}, ${d.len}, ${d.rows}, ${d.sstr}, ${d.dstr}`);
  }
}
