// The pipeliner's search cap: a body it cannot profit from (one 64-long dependent add chain, the
// old whole-plane pool) gives up within the work budget, while a short chain still pipelines.
import { expect, it } from 'vitest';
import { OpBuilder } from '../../src/dsplib/builder.js';
import { PIPELINE_WORK, pipelineLoop, resolveLoop } from '../../src/dsplib/modulo-emit.js';
import { type LoopBody, type MOp, resMII } from '../../src/dsplib/modulo.js';
import { getTarget } from '../../src/target/index.js';

const T = getTarget('bwdsp104x');
const POOL = Array.from({ length: 63 }, (_, r) => r);

/** L one-word loads summed by one dependent chain, the sum stored (one plane per iteration). */
function chain(L: number): LoopBody {
  const b = new OpBuilder(T);
  const sx = [b.stream(0, 0, 0), b.stream(2, 0, 0)], sy = b.stream(1, T.memory.blockWords, 0);
  const ops: MOp[] = [];
  let v = 0, acc = { v: -1 };
  for (let i = 0; i < L; i++) {
    const tv = { v: v++ };
    ops.push(b.loadOp(sx[i % 2]!, i, 'x', 0, tv, 0));
    if (i === 0) acc = tv;
    else { const d = { v: v++ }; ops.push({ kind: 'arith', form: 'add2', d, a: acc, b: tv }); acc = d; }
  }
  ops.push(b.storeOp(sy, 0, 'x', 0, acc, 0));
  const step = [L, L, 1];
  return { ops: resolveLoop(ops, step, [0, 0, 0]), streams: b.streams, step };
}

it('a 129-op body with a 63-long add chain gives up within the search-work cap', () => {
  const body = chain(64), work = { left: PIPELINE_WORK };
  expect(pipelineLoop(body, 64, T, POOL, 480, work)).toBeUndefined();
  // the last placement may overshoot by one row scan of the largest II tried
  expect(PIPELINE_WORK - work.left).toBeLessThanOrEqual(PIPELINE_WORK + 3 * (2 * resMII(body, T) + 4));
});

it('a short chain still pipelines under the cap', () => {
  const work = { left: PIPELINE_WORK };
  const p = pipelineLoop(chain(8), 64, T, POOL, 480, work);
  expect(p).toBeDefined();
  expect(work.left).toBeGreaterThan(0);
});
