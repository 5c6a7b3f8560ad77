// Instruments wrap every pass of a pipeline run: IR dump after each pass, verification after
// each pass, and reference equivalence (run the reference executor on one random input before
// the pipeline and after each changing pass; fail loudly on a mismatch). Timing and node
// counts are recorded by the manager itself (the pass log).
import { assertValid } from '../ir/verify.js';
import { printGraph } from '../ir/print.js';
import type { Graph, Tensor } from '../ir/types.js';
import { run } from '../bwdnn/reference/run.js';
import { compareOutputs } from '../bwdnn/reference/compare.js';
import { BwvmError, errorMessage } from '../util/errors.js';
import type { Pass } from './pass.js';
import { lcg } from '../util/lcg.js';

export interface Instrument {
  name: string;
  /** Once, on the input graph (before any pass). */
  start?(g: Graph): void;
  /** After each pass (changed = what the pass returned). */
  after?(pass: Pass, g: Graph, changed: boolean): void;
}

/** Keeps the printed IR after each pass: dumps[i] = { pass, ir }. */
export function dumpInstrument(): Instrument & { dumps: { pass: string; ir: string }[] } {
  const dumps: { pass: string; ir: string }[] = [];
  return { name: 'dump', dumps, start: (g) => dumps.push({ pass: '(input)', ir: printGraph(g) }), after: (p, g) => dumps.push({ pass: p.name, ir: printGraph(g) }) };
}

/** assertValid after every pass; the error names the pass that broke the graph. */
export function verifyInstrument(): Instrument {
  return {
    name: 'verify',
    after(p, g) {
      try { assertValid(g); } catch (e) {
        throw new BwvmError('OPT_VERIFY', `pass '${p.name}' produced an invalid graph: ${errorMessage(e)}`, { hint: `run the pipeline without '${p.name}' and report the graph` });
      }
    },
  };
}

/** Deterministic pseudo-random feeds in [-1, 1) for every graph input (symbolic dims = 1). */
export function randomFeeds(g: Graph, seed = 7): Record<string, Tensor> {
  const unit = lcg(seed, 0), next = () => unit() * 2 - 1;
  const feeds: Record<string, Tensor> = {};
  for (const i of g.inputs) {
    const shape = i.shape.map((d) => (typeof d === 'number' ? d : 1));
    const n = shape.reduce((a, b) => a * b, 1);
    if (i.dtype !== 'float32') throw new BwvmError('OPT_FEED', `reference check: input '${i.name}' is ${i.dtype}; only float32 inputs get random feeds`);
    feeds[i.name] = { dtype: 'float32', shape, data: Float32Array.from({ length: n }, next) };
  }
  return feeds;
}

/** Run the reference before the pipeline and after each changing pass; max relative error <= tol. */
export function referenceInstrument(tol = 1e-4, seed = 7): Instrument & { worst: number } {
  let feeds: Record<string, Tensor> = {};
  let ref: Record<string, Tensor> = {};
  const inst = {
    name: 'reference',
    worst: 0,
    start(g: Graph) { feeds = randomFeeds(g, seed); ref = run(g, feeds); },
    after(p: Pass, g: Graph, changed: boolean) {
      if (!changed) return;
      const diffs = compareOutputs(run(g, feeds), ref);
      for (const [name, d] of Object.entries(diffs)) {
        inst.worst = Math.max(inst.worst, d.maxRel);
        if (!(d.maxRel <= tol)) {
          throw new BwvmError('OPT_MISMATCH', `pass '${p.name}' changed output '${name}': max relative error ${d.maxRel.toExponential(2)} > ${tol} (worst element ${d.worst}${d.sameShape ? '' : ', shape differs'})`, { hint: `the pass is wrong on graph '${g.name}'; run without '${p.name}'` });
        }
      }
    },
  };
  return inst;
}
