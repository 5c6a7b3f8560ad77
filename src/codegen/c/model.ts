// The C model writer: binds symbolic dims (batch), folds shape plumbing, builds emission units
// (fusion), plans the static arena, and writes <prefix>.c (one commented block per layer,
// model_run), <prefix>.h (shapes as macros, API) and the weights (C array or binary blob).
import type { Graph, Node } from '../../ir/types.js';
import { cloneGraph } from '../../ir/graph.js';
import { foldConstants, infoOf } from '../../ir/infer.js';
import { makeContext } from '../../ir/context.js';
import { requireOp } from '../../ir/ops/index.js';
import { BwvmError } from '../../util/errors.js';
import { ACTIVATIONS } from './activations.js';
import { planArena } from './arena.js';
import { headerSource } from './header.js';
import { harnessSource } from './harness.js';
import { indentC } from './format.js';
import { buildUnits, type FusionHint, type Unit } from './schedule.js';
import { requireEmitter } from './table.js';
import type { CEmitCtx, Epilogue } from './types.js';
import { WeightPack } from './weights.js';

export interface CEmitOptions {
  /** Symbol and file prefix (a C identifier). Default 'model'. */
  prefix?: string;
  /** 'c': weights as a const float array in <prefix>_weights.c; 'blob': <prefix>_weights.bin + model_init(). */
  weights?: 'c' | 'blob';
  /** Fusion groups of an optimized graph (readFusion(graph) from src/opt); none = one block per node. */
  fusion?: readonly FusionHint[];
  /** Size bound to symbolic input dims (the batch). Default 1. */
  batch?: number;
  /** Arena offset alignment in bytes. Default 16. */
  alignment?: number;
}

/** One emitted block; offset null = not in the arena (a view, or written straight into an output). */
export interface CLayer { name: string; op: string; fused: string[]; outBytes: number; offset: number | null; view: boolean }

export interface CModel {
  prefix: string;
  /** File name -> contents (text, or bytes for the weights blob). */
  files: Map<string, string | Uint8Array>;
  arenaBytes: number;
  lowerBoundBytes: number;
  weightsBytes: number;
  layers: CLayer[];
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
}

const cmt = (s: string) => s.replace(/\*\//g, '* /');
const shapeOf = (g: Graph, v: string): number[] => (infoOf(g, v)?.shape ?? []) as number[];

function prepare(g0: Graph, batch: number): Graph {
  const g = cloneGraph(g0);
  for (const i of g.inputs) {
    if (i.dtype !== 'float32') throw new BwvmError('CG_DTYPE', `input '${i.name}' is ${i.dtype}; the C backend takes float32 inputs`);
    i.shape = i.shape.map((d) => (typeof d === 'number' ? d : batch));
  }
  foldConstants(g);
  for (const o of g.outputs) {
    const info = infoOf(g, o.name)!;
    if (info.dtype !== 'float32' || info.shape.some((d) => typeof d !== 'number')) throw new BwvmError('CG_SHAPE', `output '${o.name}' is ${info.dtype} ${JSON.stringify(info.shape)}; the C backend needs static float32 outputs`);
  }
  return g;
}

export function emitCModel(g0: Graph, o: CEmitOptions = {}): CModel {
  const prefix = o.prefix ?? 'model';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) throw new BwvmError('CG_PREFIX', `prefix '${prefix}' is not a C identifier`, { hint: 'use letters, digits and _ (e.g. --prefix lenet)' });
  const g = prepare(g0, o.batch ?? 1);
  const units = buildUnits(g, o.fusion ?? []);
  const arena = planArena(g, units, o.alignment ?? 16);
  const pack = new WeightPack(g);
  const tables: string[] = [];
  const inputIdx = new Map(g.inputs.map((x, k) => [x.name, k]));
  const rootOf = (v: string) => arena.root.get(v) ?? v;
  const ptr = (v: string): string => {
    const r = rootOf(v);
    if (inputIdx.has(r)) return `in${inputIdx.get(r)}`;
    if (g.initializers.has(r)) { const e = pack.offsetOf(r); return `(W + ${e.offset} /* ${cmt(r)} */)`; }
    if (arena.direct.has(r)) return `out${arena.direct.get(r)}`;
    const off = arena.offset.get(r);
    if (off === undefined) throw new BwvmError('CG_INTERNAL', `value '${v}' has no storage`);
    return `(arena + ${off / 4})`;
  };
  const read = new Set([...g.nodes.flatMap((n) => n.inputs), ...g.outputs.map((x) => x.name)]);
  const layers: CLayer[] = [];
  const body: string[] = [];
  for (const u of units) {
    const em = requireEmitter(u.node.op, u.node.name);
    const extra = em.multiOutput ? [] : u.node.outputs.slice(1).filter((x) => x && read.has(x));
    if (extra.length) throw new BwvmError('CG_OUTPUTS', `node '${u.node.name}' (${u.node.op}): only its first output can be emitted, but '${extra[0]}' is used`);
    const fused = u.epilogue.map((e) => e.node.name);
    layers.push({ name: u.node.name, op: u.node.op, fused, outBytes: 4 * shapeOf(g, u.out).reduce((a, b) => a * b, 1), offset: em.alias ? null : arena.offset.get(u.out) ?? null, view: !!em.alias });
    if (em.alias) { body.push(`  /* ${cmt(u.node.name)} (${u.node.op}): view of ${cmt(u.node.inputs[0]!)}, no copy */`); continue; }
    const ctx = unitContext(g, u, ptr, pack, tables);
    const ins = u.node.inputs.filter((i) => i && !g.initializers.has(i)).map((i) => JSON.stringify(shapeOf(g, i)));
    const fuseNote = u.epilogue.map((e) => ` + ${cmt(e.node.name)} (${e.node.op})`).join('');
    body.push(`  /* ${cmt(u.node.name)} (${u.node.op})${fuseNote}: ${ins.join(', ')} -> ${JSON.stringify(shapeOf(g, u.out))} */`, '  {');
    body.push(...indentC(em.emit(ctx), 2));
    body.push('  }');
  }
  g.outputs.forEach((out, k) => {
    if (ptr(out.name) !== `out${k}`) body.push(`  memcpy(out${k}, ${ptr(out.name)}, ${4 * shapeOf(g, out.name).reduce((a, b) => a * b, 1)}); /* ${cmt(out.name)} */`);
  });
  const blob = o.weights === 'blob';
  const params = [...g.inputs.map((_, k) => `const float* in${k}`), ...g.outputs.map((_, k) => `float* out${k}`)].join(', ');
  const used = body.join('\n');
  const src = [
    `/* ${prefix}.c: '${cmt(g.name)}' as portable C99, generated by bwvm. No malloc: activations live in one`,
    ` * static arena of ${arena.plan.arenaBytes} bytes (lower bound ${arena.lowerBound}); weights: ${blob ? `${prefix}_weights.bin via ${prefix}_init()` : `${prefix}_weights.c`}. */`,
    '#include <math.h>', '#include <string.h>', `#include "${prefix}.h"`, '',
    used.includes('(arena + ') ? `static float arena[${Math.max(1, arena.plan.arenaBytes / 4)}];` : '/* no arena: every value is an input, a weight or an output */',
    ...(blob ? ['static const float* W = 0;', '', `int ${prefix}_init(const float* weights) { W = weights; return weights ? 0 : -1; }`] : [`#define W ${prefix}_weights`]),
    ...tables, '',
    `int ${prefix}_run(${params}) {`,
    ...(blob ? ['  if (!W) return -1;'] : []),
    ...g.inputs.map((_, k) => (used.includes(`in${k}`) ? '' : `  (void)in${k};`)).filter(Boolean),
    ...g.outputs.map((_, k) => (used.includes(`out${k}`) ? '' : `  (void)out${k};`)).filter(Boolean),
    ...body, '  return 0;', '}', '',
  ].join('\n');
  const files = new Map<string, string | Uint8Array>();
  const inputs = g.inputs.map((x) => ({ name: x.name, shape: shapeOf(g, x.name) }));
  const outputs = g.outputs.map((x) => ({ name: x.name, shape: shapeOf(g, x.name) }));
  files.set(`${prefix}.h`, headerSource({ prefix, graph: g.name, inputs, outputs, arenaBytes: arena.plan.arenaBytes, weightsCount: pack.count, blob }));
  files.set(`${prefix}.c`, src.replace(/\n{3,}/g, '\n\n'));
  if (blob) files.set(`${prefix}_weights.bin`, pack.blob()); else files.set(`${prefix}_weights.c`, pack.cSource(prefix));
  files.set('harness.c', harnessSource({ prefix, inputs, outputs, blob }));
  return { prefix, files, arenaBytes: arena.plan.arenaBytes, lowerBoundBytes: arena.lowerBound, weightsBytes: pack.count * 4, layers, inputs, outputs };
}

function unitContext(g: Graph, u: Unit, ptr: (v: string) => string, pack: WeightPack, tables: string[]): CEmitCtx {
  const n: Node = u.node;
  const info = (v: string) => infoOf(g, v);
  const op = makeContext(g, n, requireOp(n.op, n.name), info, n.outputs.map((x) => infoOf(g, x)!).filter(Boolean));
  const epilogue: Epilogue = (v, ch) => u.epilogue.flatMap((e) => {
    if (e.kind === 'bias') {
      const c = e.node.inputs[e.constInput!]!;
      return [`${v} += W[${pack.offsetOf(c).offset} + ${e.index === 'ch' ? ch : '0'}]; /* ${cmt(e.node.name)}: ${cmt(c)} */`];
    }
    const mctx = makeContext(g, e.node, requireOp(e.node.op, e.node.name), info);
    return [`${ACTIVATIONS.get(e.node.op)!(v, mctx)} /* ${cmt(e.node.name)} */`];
  });
  return {
    node: n, op,
    inShape: (i) => shapeOf(g, n.inputs[i]!),
    outShape: (i = 0) => shapeOf(g, i === 0 ? u.out : n.outputs[i]!),
    input: (i) => ptr(n.inputs[i]!),
    output: (i = 0) => ptr(i === 0 ? u.out : n.outputs[i]!),
    constNumbers: (i) => op.constNumbers(i),
    epilogue,
    intTable(values) {
      const id = `idx${tables.length}`;
      const vals = Array.from(values);
      const rows: string[] = [];
      for (let k = 0; k < vals.length; k += 16) rows.push(`  ${vals.slice(k, k + 16).join(', ')},`);
      tables.push(`static const int ${id}[${Math.max(1, vals.length)}] = { /* ${cmt(n.name)} */`, ...rows, '};');
      return id;
    },
    fail(msg): never {
      throw new BwvmError('CG_UNSUPPORTED', `node '${n.name}' (${n.op}): ${msg}`, { hint: 'see docs/codegen.md "Portable C" for the supported op forms' });
    },
  };
}
