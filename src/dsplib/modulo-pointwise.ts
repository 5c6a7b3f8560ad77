// Software-pipelined pointwise loops (eltwise, activation): one iteration = G quads; each quad
// loads one 4-word quad per input, runs its arithmetic in iteration-local values, stores one quad.
// Accesses are spread over the three address generators (one stream per tensor and generator) so
// loads and stores of different quads share lines; the loop is modulo scheduled (modulo-emit.ts).
import type { TargetDesc } from '../target/index.js';
import { OpBuilder } from './builder.js';
import { agLines, AG, type Placed } from './emit.js';
import { pipelineLoop, type Pipelined, resolveLoop } from './modulo-emit.js';
import type { ArithOp, LoopBody, MOp } from './modulo.js';
import type { Reg } from './schedule.js';

export interface PointwiseLoop {
  inputs: Placed[];
  output: Placed;
  /** Arithmetic of one quad from the loaded values (fresh() gives new iteration-local values). */
  quad(ins: Reg[], fresh: () => Reg): { ops: ArithOp[]; out: Reg };
  constRegs: Set<number>;
  /** Physical registers the pipelined values may use. */
  pool: number[];
}

export interface PointwiseCode { code: string[]; quads: number; pipe: Pipelined; G: number }

/**
 * Code for quads [startQuad, startQuad + iterations·G) of a pointwise kernel, software pipelined;
 * undefined when no schedule fits. Sets its own address registers (u/v/w 0..5).
 */
export function pipelinedPointwise(spec: PointwiseLoop, G: number, iterations: number, startQuad: number, t: TargetDesc): PointwiseCode | undefined {
  const b = new OpBuilder(t);
  const tensors = [...spec.inputs, spec.output];
  // accesses in quad order, round-robin over the generators; one stream per (tensor, generator)
  const streamOf = new Map<string, { s: number; firstQuad: number }>();
  const ops: MOp[] = [];
  let nextV = 0;
  const fresh = (): Reg => ({ v: nextV++ });
  let k = 0;
  const access = (ti: number, q: number): { s: number; rel: number } => {
    const ag = k++ % 3, key = `${ti}:${ag}`;
    let st = streamOf.get(key);
    if (!st) { st = { s: b.stream(ag, tensors[ti]!.addr, 4 * (startQuad + q)), firstQuad: q }; streamOf.set(key, st); }
    return { s: st.s, rel: 4 * (q - st.firstQuad) };
  };
  for (let q = 0; q < G; q++) {
    const ins = spec.inputs.map((_, ti) => { const a = access(ti, q), v = fresh(); ops.push(b.loadOp(a.s, a.rel, 'xyzt', 1, v, 0)); return v; });
    const r = spec.quad(ins, fresh);
    ops.push(...r.ops);
    const a = access(spec.inputs.length, q);
    ops.push(b.storeOp(a.s, a.rel, 'xyzt', 1, r.out, 0));
  }
  const step = b.streams.map(() => 4 * G);
  const body: LoopBody = { ops: resolveLoop(ops, step), streams: b.streams, step, constRegs: spec.constRegs };
  const pipe = pipelineLoop(body, iterations, t, spec.pool);
  if (!pipe) return undefined;
  const setup = agLines(b.streams.map((st) => {
    const ti = tensors.findIndex((x) => x.addr === st.tensorBase);
    return { ag: st.ag, text: `${AG[st.ag]}${st.ar} = ${tensors[ti]!.name}+${st.start}` };
  }));
  return { code: [...setup, ...pipe.lines], quads: iterations * G, pipe, G };
}
