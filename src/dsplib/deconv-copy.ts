// Row-interleaved input copy for the deconv nests: NCHW x into the zero-padded [row][c][col]
// scratch (borders stay zero). Channels are the innermost loop, so each destination row stream
// steps by the channel pitch with a post-increment; a chunk of rows of one channel is read
// contiguously by two load streams (even / odd quads), whole small planes several per body:
// ~3 memory accesses per line.
import type { TargetDesc } from '../target/index.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { emitNest, type NestStream, type Placed } from './emit.js';
import { type Op, schedule } from './schedule.js';

export interface InterleaveCopy {
  src: Placed; dst: Placed;
  C: number; H: number; W: number;
  /** Destination word of (row 0, channel 0, col 0), row pitch and channel pitch. */
  dstOff: number; dstRow: number; dstChan: number;
}

/** Rows per body: a divisor of H with at most ~400 accesses and 24 row streams. */
function chunkRows(H: number, W: number): number {
  const per = 2 * (Math.floor(W / 4) + (W % 4));
  let best = 1;
  for (let r = 1; r <= Math.min(H, 24); r++) if (H % r === 0 && r * per <= 400) best = r;
  return best;
}

/** Assembly lines copying x (C, H, W) into the row-interleaved scratch. */
export function interleaveCopy(c: InterleaveCopy, t: TargetDesc): string[] {
  const rc = chunkRows(c.H, c.W);
  // whole planes per body: several channels (contiguous in x) per body, fewer pipeline ramps
  const per = 2 * (Math.floor(c.W / 4) + (c.W % 4));
  let cb = 1;
  if (rc === c.H) for (let k = 2; k <= 4; k++) if (c.C % k === 0 && k * rc * per <= 400) cb = k;
  const b = new OpBuilder(t);
  const work = [0, 0, 0];
  const perRow = Math.floor(c.W / 4) + (c.W % 4);
  // the odd-quad stream starts at its first access (no address add per body)
  const off1 = c.W >= 4 ? 4 : 1;
  const ld = [b.stream(0, c.src.addr, 0), b.stream(1, c.src.addr, off1)];
  const ldOff = [0, off1];
  work[0] = work[1] = cb * rc * perRow / 2;
  const st = Array.from({ length: rc }, (_, i) => {
    let g = 0;
    for (let k = 1; k < 3; k++) if (work[k]! < work[g]! && b.load(k) < t.agu.regs) g = k;
    work[g]! += cb * perRow;
    return b.stream(g, c.dst.addr, c.dstOff + i * c.dstRow);
  });
  const ops: Op[] = [];
  let prio = 0, nq = 0;
  const plane = c.H * c.W;
  for (let ch = 0; ch < cb; ch++) for (let i = 0; i < rc; i++) {
    for (let k = 0; k < c.W; k += 4) {
      const quad = c.W - k >= 4;
      for (let j = 0; j < (quad ? 1 : c.W - k); j++) {
        const v = b.vreg();
        const h = nq++ % 2;
        ops.push(b.loadOp(ld[h]!, ch * plane + i * c.W + k + j - ldOff[h]!, quad ? 'xyzt' : 'x', quad ? 1 : 0, v, prio));
        ops.push(b.storeOp(st[i]!, ch * c.dstChan + k + j, quad ? 'xyzt' : 'x', quad ? 1 : 0, v, prio++));
      }
    }
  }
  // innermost loop = channels: loads jump a plane, row streams step one channel pitch
  const [body] = resolveIncrements([ops], b.streams.length, b.streams.map((_, s) => (s < 2 ? cb * plane : cb * c.dstChan)));
  const lines = schedule(body!, b.streams, Array.from({ length: t.regsPerMacro }, (_, r) => r), t);
  const streams: NestStream[] = b.streams.map((s, i) => (i < 2
    ? { ...s, base: `${c.src.name}+${ldOff[i]}`, steps: [rc * c.W, cb * plane] }
    : { ...s, base: `${c.dst.name}+${c.dstOff + (i - 2) * c.dstRow}`, steps: [rc * c.dstRow, cb * c.dstChan] }));
  return emitNest([c.H / rc, c.C / cb], streams, { head: lines, tail: [] }, t);
}
