// The compiled fast forward: a graph becomes fused steps (BN folded into conv weights,
// activations and residual adds in kernel epilogues) over one arena block whose activation
// buffers are placed by liveness; only the inputs are uploaded and the outputs downloaded.
// Plans are made per input shape (e.g. each batch size) and share the uploaded constants.
import type { Graph, Tensor } from '../../ir/types.js';
import { bindInputShapes, infoOf } from '../../ir/infer.js';
import { cloneNode } from '../../ir/graph.js';
import { shapeStr } from '../../ir/shape.js';
import { BwvmError } from '../../util/errors.js';
import type { DnnRuntime } from '../kernels/runtime.js';
import { fuseGroups, type FusedGroup } from './fuse.js';
import { STEP_BUILDERS, type Operand, type Step, type StepEnv } from './steps.js';
import { placeBuffers, type Interval } from './liveness.js';

export interface CompiledForward {
  /** Runs the graph (same contract as the reference executor's run): outputs by name. */
  run(feeds: Record<string, Tensor>, opts?: { onStep?: (group: FusedGroup, ms: number) => void }): Record<string, Tensor>;
  /** The fused groups, one kernel call each (reshapes: none). */
  readonly groups: readonly FusedGroup[];
  /** Bytes of the activation block of the last plan used (after buffer reuse). */
  readonly activationBytes: number;
  /** Frees the constants and activation blocks on the runtime's arena. */
  dispose(): void;
}

interface Plan { steps: Step[]; block: number; ptrs: Map<string, number>; outShapes: Map<string, number[]>; bytes: number }

const SLACK = 256; // kernels may read a vector past an array's end

const unsupported = (g: Graph, what: string): never => {
  throw new BwvmError('bwdnn.fast-forward', `graph '${g.name}': ${what} is not covered by the compiled fast forward`, {
    hint: 'run it with the executor instead: run(g, feeds, { kernels: fastKernels(rt) })',
  });
};

/** Concrete shape inference for the given input shapes on a copy of the graph (weights shared). */
function concreteShapes(g: Graph, shapes: Record<string, number[]>): (v: string) => number[] {
  const copy: Graph = { ...g, inputs: g.inputs.map((i) => ({ ...i, shape: [...i.shape] })), outputs: g.outputs.map((o) => ({ ...o, shape: [...o.shape] })),
    nodes: g.nodes.map(cloneNode), initializers: new Map(g.initializers), valueInfo: new Map(), meta: { ...g.meta } };
  bindInputShapes(copy, shapes);
  return (v) => {
    const s = infoOf(copy, v)?.shape;
    if (!s || !s.every((d) => typeof d === 'number')) return unsupported(g, `value '${v}' without a concrete shape`);
    return s as number[];
  };
}

function buildPlan(g: Graph, rt: DnnRuntime, groups: FusedGroup[], constant: StepEnv['constant'], shapes: Record<string, number[]>): Plan {
  const shape = concreteShapes(g, shapes);
  const env: StepEnv = { g, rt, shape, constant };
  const steps = groups.map((grp) => STEP_BUILDERS[grp.node.op]?.(grp, env) ?? unsupported(g, `node '${grp.node.name}' (${grp.node.op}, input ${shapeStr(shape(grp.node.inputs[0]!))})`));
  // buffers: graph inputs and non-alias step outputs; an alias shares its input's buffer
  const root = new Map<string, string>();
  const life = new Map<string, Interval>();
  for (const i of g.inputs) { root.set(i.name, i.name); life.set(i.name, { bytes: 4 * shape(i.name).reduce((a, b) => a * b, 1), first: -1, last: -1 }); }
  steps.forEach((s, idx) => {
    for (const v of s.inputs) {
      const r = root.get(v);
      if (r === undefined) unsupported(g, `input '${v}' of node '${s.group.node.name}' (a constant where an activation is expected)`);
      life.get(r!)!.last = idx;
    }
    if (s.alias) root.set(s.out, root.get(s.inputs[0]!)!);
    else { root.set(s.out, s.out); life.set(s.out, { bytes: 4 * shape(s.out).reduce((a, b) => a * b, 1), first: idx, last: idx }); }
  });
  for (const o of g.outputs) {
    const r = root.get(o.name) ?? unsupported(g, `output '${o.name}'`);
    life.get(r)!.last = steps.length;
  }
  const names = [...life.keys()];
  const { offsets, total } = placeBuffers(names.map((n) => life.get(n)!));
  const block = rt.arena.alloc(total + SLACK);
  const ptrs = new Map<string, number>();
  names.forEach((n, i) => ptrs.set(n, block + offsets[i]!));
  for (const [v, r] of root) ptrs.set(v, ptrs.get(r)!);
  const outShapes = new Map(g.outputs.map((o) => [o.name, shape(o.name)]));
  return { steps, block, ptrs, outShapes, bytes: total };
}

/** Compiles g for the runtime rt; throws 'bwdnn.fast-forward' when an op is not covered. */
export function compileForward(g: Graph, rt: DnnRuntime): CompiledForward {
  const groups = fuseGroups(g);
  const consts = new Map<string, number>();
  const constant = (key: string, make: () => Float32Array) => {
    let p = consts.get(key);
    if (p === undefined) consts.set(key, (p = rt.upload(make())));
    return p;
  };
  const plans = new Map<string, Plan>();
  let last: Plan | undefined;
  const planFor = (shapes: Record<string, number[]>) => {
    const key = JSON.stringify(shapes);
    let p = plans.get(key);
    if (!p) plans.set(key, (p = buildPlan(g, rt, groups, constant, shapes)));
    return (last = p);
  };
  const dispose = () => {
    for (const p of plans.values()) rt.arena.free(p.block);
    for (const p of consts.values()) rt.arena.free(p);
    plans.clear(); consts.clear();
  };
  try { // check coverage now: symbolic dims (the batch) bound to 1
    planFor(Object.fromEntries(g.inputs.map((i) => [i.name, i.shape.map((d) => (typeof d === 'number' ? d : 1))])));
  } catch (e) { dispose(); throw e; }
  const ptrOf = (p: Plan) => (o: Operand) => (typeof o === 'number' ? o : p.ptrs.get(o)!);
  return {
    groups,
    get activationBytes() { return last?.bytes ?? 0; },
    dispose,
    run(feeds, opts) {
      const shapes: Record<string, number[]> = {};
      for (const i of g.inputs) {
        const t = feeds[i.name];
        if (!t || t.dtype !== 'float32') throw new BwvmError('EXEC_FEED', `missing float32 input '${i.name}' (expected ${shapeStr(i.shape)})`);
        const bad = t.shape.length !== i.shape.length || i.shape.some((d, k) => typeof d === 'number' && d !== t.shape[k]) || t.data.length !== t.shape.reduce((a, b) => a * b, 1);
        if (bad) throw new BwvmError('EXEC_FEED', `input '${i.name}' has shape ${shapeStr(t.shape)} (${t.data.length} values), expected ${shapeStr(i.shape)}`);
        shapes[i.name] = [...t.shape];
      }
      const plan = planFor(shapes);
      for (const i of g.inputs) rt.f32(plan.ptrs.get(i.name)!, feeds[i.name]!.data.length).set(feeds[i.name]!.data as Float32Array);
      const ptr = ptrOf(plan);
      const onStep = opts?.onStep;
      if (!onStep) for (const s of plan.steps) s.exec(ptr);
      else for (const s of plan.steps) { const t0 = performance.now(); s.exec(ptr); onStep(s.group, performance.now() - t0); }
      const out: Record<string, Tensor> = {};
      for (const [name, shape] of plan.outShapes) out[name] = { dtype: 'float32', shape, data: rt.download(plan.ptrs.get(name)!, shape.reduce((a, b) => a * b, 1)) };
      return out;
    },
  };
}
