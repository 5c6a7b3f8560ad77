// Strided plane copy used by kernels around their main loop: NCHW input into a zero-padded
// scratch (borders stay zero: they are never written) and a padded output scratch back to NCHW.
// Four words per load/store pair (one word per macro lane), rows unrolled, planes looped.
import type { TargetDesc } from '../target/index.js';
import { OpBuilder, resolveIncrements } from './builder.js';
import { emitNest, type Placed } from './emit.js';
import { type Op, schedule } from './schedule.js';

export interface CopySpec {
  src: Placed; srcOff: number; srcRow: number; srcPlane: number;
  dst: Placed; dstOff: number; dstRow: number; dstPlane: number;
  planes: number; rows: number; cols: number;
}

function rowsPerBody(rows: number, cols: number): number {
  const per = Math.ceil(cols / 4) + (cols % 4);
  let best = 1;
  for (let r = 1; r <= rows; r++) if (rows % r === 0 && r * per <= 200) best = r;
  return best;
}

/** Assembly lines copying `planes` x `rows` x `cols` words between two strided layouts. */
export function copyPlanes(c: CopySpec, t: TargetDesc): string[] {
  const b = new OpBuilder(t);
  const rc = rowsPerBody(c.rows, c.cols);
  // two pipelines: loads on u / stores on v, and loads + stores on w (1.5 quads per line)
  const s0 = b.stream(0, c.src.addr, c.srcOff), d0 = b.stream(1, c.dst.addr, c.dstOff);
  const s1 = b.stream(2, c.src.addr, c.srcOff), d1 = b.stream(2, c.dst.addr, c.dstOff);
  const ops: Op[] = [];
  let prio = 0, nq = 0;
  for (let i = 0; i < rc; i++) {
    for (let k = 0; k < c.cols; k += 4) {
      const quad = c.cols - k >= 4;
      const lanes = quad ? 1 : c.cols - k;
      for (let j = 0; j < lanes; j++) {
        const v = b.vreg();
        const off = k + j;
        const alt = nq++ % 3 === 2;
        ops.push(b.loadOp(alt ? s1 : s0, i * c.srcRow + off, quad ? 'xyzt' : 'x', quad ? 1 : 0, v, prio));
        ops.push(b.storeOp(alt ? d1 : d0, i * c.dstRow + off, quad ? 'xyzt' : 'x', quad ? 1 : 0, v, prio++));
      }
    }
  }
  const [body] = resolveIncrements([ops], 4, [rc * c.srcRow, rc * c.dstRow, rc * c.srcRow, rc * c.dstRow]);
  const lines = schedule(body!, b.streams, Array.from({ length: t.regsPerMacro }, (_, r) => r), t);
  const src = { base: `${c.src.name}+${c.srcOff}`, steps: [c.srcPlane, rc * c.srcRow] };
  const dst = { base: `${c.dst.name}+${c.dstOff}`, steps: [c.dstPlane, rc * c.dstRow] };
  return emitNest([c.planes, c.rows / rc], [
    { ...b.streams[s0]!, ...src }, { ...b.streams[d0]!, ...dst }, { ...b.streams[s1]!, ...src }, { ...b.streams[d1]!, ...dst },
  ], { head: lines, tail: [] }, t);
}
