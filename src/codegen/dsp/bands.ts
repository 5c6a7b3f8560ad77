// Code around the kernels of a banded layer (activations in DDR): per output-row band, the input
// rows come from DDR by DMA into a ping/pong staging buffer (channel 2, the next band's copy
// overlapping this band's compute) or from an on-chip tensor, are copied into a zero-bordered
// buffer (image padding rows and columns are zeros), the band's pad-0 kernel runs, and its output
// rows go back to DDR by DMA (channel 3, ping/pong output buffers) or into the on-chip tensor.
import { copyPlanes, type DmaTable } from '../../dsplib/index.js';
import type { TargetDesc } from '../../target/index.js';
import { BwvmError } from '../../util/errors.js';
import { type Band, type BandLayer, storedOut } from '../tiling/index.js';
import { inlineKernel } from './inline.js';

/** On-chip / DDR word addresses a banded layer works with. */
export interface BandAddrs {
  /** Staging buffers (DDR input), zero-bordered input buffer (0 when unused), output buffers, a zero row. */
  stage: [number, number]; xp: number; yb: [number, number]; zeros: number;
  /** The layer's input and output tensors (DDR addresses when inDdr / outDdr). */
  x: number; y: number;
}

export interface BandCode {
  /** Lines before the first band (DMA of band 0, border zeroing). */
  start: string[];
  /** Per band: lines before its kernel, lines after it, and the kernel's x and y addresses. */
  bands: Array<{ before: string[]; after: string[]; x: number; y: number }>;
}

const CH_IN = 2, CH_OUT = 3;

export interface Copy { src: number; srcRow: number; srcPlane: number; dst: number; dstRow: number; dstPlane: number; planes: number; rows: number; cols: number }

const copies = new Map<string, string[]>();

/** Straight lines of a strided on-chip copy at absolute addresses (dsplib's plane copy, inlined; cached: band searches rebuild often). */
export function copyCode(c: Copy, t: TargetDesc, prefix: string): string[] {
  if (c.planes <= 0 || c.rows <= 0 || c.cols <= 0) return [];
  const key = JSON.stringify([c, t.name, prefix]);
  let hit = copies.get(key);
  if (!hit) {
    hit = makeCopy(c, t, prefix);
    if (copies.size > 5000) copies.clear();
    copies.set(key, hit);
  }
  return hit;
}

function makeCopy(c: Copy, t: TargetDesc, prefix: string): string[] {
  const sWords = (c.planes - 1) * c.srcPlane + (c.rows - 1) * c.srcRow + c.cols, dWords = (c.planes - 1) * c.dstPlane + (c.rows - 1) * c.dstRow + c.cols;
  const dAt = Math.ceil(sWords / 8) * 8;
  const src = { name: 'src', words: sWords, addr: 0 }, dst = { name: 'dst', words: dWords, addr: dAt };
  const lines = copyPlanes({ src, srcOff: 0, srcRow: c.srcRow, srcPlane: c.srcPlane, dst, dstOff: 0, dstRow: c.dstRow, dstPlane: c.dstPlane, planes: c.planes, rows: c.rows, cols: c.cols }, t);
  const asm = ['.data', '.org 0', `src: .space ${sWords}`, `.org ${dAt}`, `dst: .space ${dWords}`, '.text', 'main:', ...lines.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  const k = { name: 'copy', description: 'copy', dtype: 'f32' as const, asm, flops: 0, params: {},
    inputs: [{ symbol: 'src', shape: [sWords], layout: 'W' }], outputs: [{ symbol: 'dst', shape: [dWords], layout: 'W' }] };
  const inl = inlineKernel(k, prefix, new Map([['src', c.src], ['dst', c.dst]]), t);
  if (inl.privates.length) throw new BwvmError('CODEGEN_DSP_BIND', 'plane copy has private data');
  return inl.code;
}

/** The DMA, copy and zeroing code of a banded layer (descriptors are added to `dt`, table symbol `sym`). */
export function bandCode(l: BandLayer, bands: Band[], a: BandAddrs, dt: DmaTable, sym: string, t: TargetDesc, prefix: string): BandCode {
  if (t.dma.channels < 4) throw new BwvmError('CODEGEN_DSP_DMA', `${t.name} has ${t.dma.channels} DMA channels; banded layers use channels 2 and 3`);
  const Wp = l.W + 2 * l.pad;
  const { YH, YW } = storedOut(l);
  const direct = l.inDdr && l.pad === 0;
  let n = 0;
  const copy = (c: Copy): string[] => copyCode(c, t, `${prefix}c${n++}`);
  /** DMA of band b's input rows into staging buffer b%2 (dense [C, h1-h0, W]). */
  const load = (b: number): string[] => {
    const bd = bands[b]!, rows = bd.h1 - bd.h0;
    const d = dt.add({ dir: 'in', ch: CH_IN, src: String(a.x + bd.h0 * l.W), dst: String(a.stage[b % 2]), len: rows * l.W, rows: l.C, sstr: l.H * l.W, dstr: rows * l.W });
    return dt.issue(d, sym);
  };
  // the previous banded layer's last write-back is done (its data is in DDR; its output buffer may be reused); band 0 starts loading
  const start: string[] = [`dma${CH_OUT} wait`, ...(l.inDdr ? load(0) : [])];
  if (!direct && l.pad > 0) { // the border columns of the shared zero-bordered buffer (written by other layers): gaps [r*Wp - pad, r*Wp + pad)
    const Hb = Math.max(...bands.map((b) => b.Hb));
    start.push(...copy({ src: a.zeros, srcRow: 0, srcPlane: 0, dst: a.xp - l.pad, dstRow: Wp, dstPlane: 0, planes: 1, rows: l.C * Hb + 1, cols: 2 * l.pad }));
  }
  const out = bands.map((bd, b) => {
    const before: string[] = [];
    if (l.inDdr) before.push(`dma${CH_IN} wait`, ...(b + 1 < bands.length ? load(b + 1) : []));
    const plane = bd.Hb * Wp, rows = bd.h1 - bd.h0;
    if (!direct) {
      for (const [r0, nz] of [[0, bd.zTop], [bd.Hb - bd.zBot, bd.zBot]] as const) {
        if (nz > 0) before.push(...copy({ src: a.zeros, srcRow: 0, srcPlane: 0, dst: a.xp + r0 * Wp, dstRow: Wp, dstPlane: plane, planes: l.C, rows: nz, cols: Wp }));
      }
      const src = l.inDdr ? { src: a.stage[b % 2], srcPlane: rows * l.W } : { src: a.x + bd.h0 * l.W, srcPlane: l.H * l.W };
      before.push(...copy({ ...src, srcRow: l.W, dst: a.xp + bd.zTop * Wp + l.pad, dstRow: Wp, dstPlane: plane, planes: l.C, rows, cols: l.W }));
    }
    const y = l.outDdr ? a.yb[b % 2] : a.yb[0];
    const after: string[] = [];
    const per = bd.yth * YW;
    if (l.outDdr) {
      const d = dt.add({ dir: 'out', ch: CH_OUT, src: String(y), dst: String(a.y + bd.yh0 * YW), len: per, rows: l.M, sstr: per, dstr: YH * YW });
      after.push(...dt.issue(d, sym));
    } else {
      after.push(...copy({ src: y, srcRow: per, srcPlane: per, dst: a.y + bd.yh0 * YW, dstRow: per, dstPlane: YH * YW, planes: l.M, rows: 1, cols: per }));
    }
    return { before, after, x: direct ? a.stage[b % 2] : a.xp, y };
  });
  return { start, bands: out };
}
