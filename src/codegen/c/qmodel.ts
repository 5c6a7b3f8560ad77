// The quantized C model writer: binds the batch, infers every integer value's shape through the
// q-emitter table, plans one static arena per integer C type (src/memory's greedy planner; views
// share their input's storage, the output is written in place) and writes <prefix>.c (runtime
// helpers, one block per integer node, run_q/run and the boundary conversions), <prefix>.h,
// <prefix>_weights.c/.h and harness.c. No malloc, no float inside run_q.
import { quantRange } from '../../ir/quant.js';
import { greedyPlan, lowerBound, type Interval } from '../../memory/index.js';
import type { QuantDType } from '../../ir/quant.js';
import { BwvmError } from '../../util/errors.js';
import { indentC } from './format.js';
import type { CLayer, CModel } from './model.js';
import { qharnessSource } from './qharness.js';
import { qheaderSource } from './qheader.js';
import { runtimeFor } from './qruntime.js';
import { requireQEmitter } from './qtable.js';
import { BYTES, CTYPE, dlit, type MultiplierFn, type QEmitCtx, type QIntModel, type QIntValue } from './qtypes.js';
import { QTablePack } from './qweights.js';

export interface QCEmitOptions {
  /** The reference's multiplier quantization (bwdnn quantizeMultiplier), for Add and average pooling. */
  multiplier: MultiplierFn;
  /** Symbol and file prefix (a C identifier). Default 'model'. */
  prefix?: string;
  /** Size bound to symbolic input dims (the batch). Default 1. */
  batch?: number;
  /** Arena offset alignment in bytes. Default 16. */
  alignment?: number;
}

export interface QCModel extends CModel {
  bits: 8 | 16;
  /** Integer dtype and params of the input and output (the boundary conversions). */
  inputValue: QIntValue;
  outputValue: QIntValue;
}

const cmt = (s: string) => s.replace(/\*\//g, '* /');
const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
const arenaName = (dt: QuantDType) => `arena_${dt}`;

export function emitQuantizedC(m: QIntModel, o: QCEmitOptions): QCModel {
  const prefix = o.prefix ?? 'model';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) throw new BwvmError('CG_PREFIX', `prefix '${prefix}' is not a C identifier`, { hint: 'use letters, digits and _ (e.g. --prefix lenet)' });
  const batch = o.batch ?? 1;
  const valueOf = (v: string): QIntValue => m.values.get(v) ?? fail(`value '${v}' has no quantization params`);
  const inName = m.input.name;
  const shapes = new Map<string, number[]>([[inName, m.input.shape.map((d) => (typeof d === 'number' ? d : batch))]]);
  const root = new Map<string, string>();
  const rootOf = (v: string) => root.get(v) ?? v;
  const iv = new Map<string, Interval>();
  const plans = m.nodes.map((node, t) => {
    const em = requireQEmitter(node.op, node.name);
    const nodeFail = (msg: string): never => { throw new BwvmError('CG_UNSUPPORTED', `node '${node.name}' (integer ${node.op}): ${msg}`, { hint: 'see docs/codegen.md "Quantized C" for the supported integer op forms' }); };
    const ins = node.inputs.map((i) => shapes.get(i) ?? nodeFail(`reads '${i}', which is not computed before it`));
    shapes.set(node.output, em.shape(node, ins, nodeFail));
    for (const i of node.inputs) { const x = iv.get(rootOf(i)); if (x) { x.last = Math.max(x.last, t); x.uses = (x.uses ?? 0) + 1; } }
    if (em.alias) root.set(node.output, rootOf(node.inputs[0]!));
    else iv.set(node.output, { id: node.output, size: prod(shapes.get(node.output)!) * BYTES[valueOf(node.output).dtype], first: t, last: t, uses: 0 });
    return { node, em, fail: nodeFail };
  });
  const outV = m.output.value, outRoot = rootOf(outV);
  if (!shapes.has(outV)) fail(`output value '${outV}' is not computed`);
  const direct = iv.has(outRoot) && valueOf(outRoot).dtype === valueOf(outV).dtype;
  // one arena per C integer type (no type punning through one buffer)
  const offsets = new Map<string, number>();
  let arenaBytes = 0, lower = 0;
  const arenas: string[] = [];
  for (const dt of ['int8', 'uint8', 'int16'] as QuantDType[]) {
    const xs = [...iv.values()].filter((x) => valueOf(x.id).dtype === dt && !(direct && x.id === outRoot));
    if (!xs.length) continue;
    const plan = greedyPlan(xs, { alignment: o.alignment ?? 16 });
    for (const p of plan.placements) offsets.set(p.id, p.offset / BYTES[dt]);
    // sized to a whole number of alignment units, like the planner's lower bound counts buffers
    const bytes = Math.ceil(plan.arenaBytes / (o.alignment ?? 16)) * (o.alignment ?? 16);
    arenaBytes += bytes;
    lower += lowerBound(xs, o.alignment ?? 16);
    arenas.push(`static ${CTYPE[dt]} ${arenaName(dt)}[${Math.max(1, bytes / BYTES[dt])}]; /* ${bytes} bytes */`);
  }
  const ptr = (v: string): string => {
    const r = rootOf(v);
    if (r === inName) return 'in0';
    if (direct && r === outRoot) return 'out0';
    const off = offsets.get(r);
    if (off === undefined) fail(`value '${v}' has no storage`);
    return `(${arenaName(valueOf(r).dtype)} + ${off})`;
  };
  const pack = new QTablePack(prefix);
  const body: string[] = [];
  const layers: CLayer[] = [];
  for (const { node, em, fail: nodeFail } of plans) {
    const outShape = shapes.get(node.output)!, outBytes = prod(outShape) * BYTES[valueOf(node.output).dtype];
    layers.push({ name: node.name, op: node.op, fused: [], outBytes, offset: em.alias || (direct && node.output === outRoot) ? null : (offsets.get(node.output) ?? 0) * BYTES[valueOf(node.output).dtype], view: !!em.alias });
    if (em.alias) { body.push(`  /* ${cmt(node.name)} (${node.op}): view of ${cmt(node.inputs[0]!)}, no copy */`); continue; }
    const ctx: QEmitCtx = {
      node, output: valueOf(node.output), outShape, outPtr: ptr(node.output),
      input: (i) => valueOf(node.inputs[i]!), inShape: (i) => shapes.get(node.inputs[i]!)!, inPtr: (i) => ptr(node.inputs[i]!),
      table: (ct, vals, note) => pack.add(ct, vals, note), multiplier: o.multiplier, fail: nodeFail,
    };
    const clamp = node.clamp ? ` clamp [${node.clamp.join(', ')}]` : '';
    body.push(`  /* ${cmt(node.name)} (${node.op}${clamp}): ${node.inputs.map((i) => `${valueOf(i).dtype}${JSON.stringify(shapes.get(i))}`).join(', ')} -> ${ctx.output.dtype}${JSON.stringify(outShape)} */`, '  {');
    body.push(...indentC(em.emit(ctx), 2), '  }');
  }
  const inV = m.input.value, outVal = valueOf(outV);
  if (!direct) body.push(`  memcpy(out0, ${ptr(outV)}, ${prod(shapes.get(outV)!) * BYTES[outVal.dtype]}); /* ${cmt(outV)} */`);
  const inShape = shapes.get(inName)!, outShape = shapes.get(outV)!;
  const it = `${prefix}_in0_t`, ot = `${prefix}_out0_t`;
  const used = body.join('\n');
  const [ilo, ihi] = quantRange(inV.dtype);
  const api = [
    `void ${prefix}_quantize_input(const float* x, ${it}* q) {`,
    `for (int i = 0; i < ${prod(inShape)}; i++) q[i] = (${it})bw_quantize(x[i], ${dlit(inV.quant.scale[0]!)}, ${inV.quant.zeroPoint[0]!}, ${ilo}, ${ihi});`, '}', '',
    `void ${prefix}_dequantize_output(const ${ot}* q, float* y) {`,
    `for (int i = 0; i < ${prod(outShape)}; i++) y[i] = (float)((double)(q[i] - ${outVal.quant.zeroPoint[0]!}) * ${dlit(outVal.quant.scale[0]!)});`, '}', '',
    `int ${prefix}_run(const float* in0, float* out0) {`,
    `static ${it} qin[${prod(inShape)}];`, `static ${ot} qout[${prod(outShape)}];`,
    `${prefix}_quantize_input(in0, qin);`,
    `if (${prefix}_run_q(qin, qout) != 0) return -1;`,
    `${prefix}_dequantize_output(qout, out0);`, 'return 0;', '}', '',
  ];
  const runtime = runtimeFor(used + api.join('\n'));
  const src = [
    `/* ${prefix}.c: '${cmt(m.name)}' as int${m.bits} fixed-point C99, generated by bwvm; bit-exact with the integer`,
    ` * reference (bwdnn runQuantized). No malloc, no float inside ${prefix}_run_q: activations live in static arenas`,
    ` * of ${arenaBytes} bytes in all (lower bound ${lower}); weights, biases and multipliers: ${prefix}_weights.c. */`,
    '#include <math.h>', '#include <stdint.h>', '#include <string.h>', `#include "${prefix}.h"`, `#include "${prefix}_weights.h"`, '',
    ...arenas, '', ...indentC(runtime), '',
    `int ${prefix}_run_q(const ${it}* in0, ${ot}* out0) {`,
    ...(used.includes('in0') ? [] : ['  (void)in0;']),
    ...body, '  return 0;', '}', '',
    ...indentC(api),
  ].join('\n');
  const files = new Map<string, string | Uint8Array>();
  const input = { name: inName, shape: inShape }, output = { name: m.output.name, shape: outShape };
  files.set(`${prefix}.h`, qheaderSource({ prefix, graph: m.name, bits: m.bits, input: { ...input, value: inV }, output: { ...output, value: outVal }, arenaBytes, weightsBytes: pack.bytes }));
  files.set(`${prefix}.c`, src.replace(/\n{3,}/g, '\n\n'));
  files.set(`${prefix}_weights.h`, pack.header());
  files.set(`${prefix}_weights.c`, pack.source());
  files.set('harness.c', qharnessSource(prefix));
  return { prefix, files, arenaBytes, lowerBoundBytes: lower, weightsBytes: pack.bytes, layers, inputs: [input], outputs: [output], bits: m.bits, inputValue: inV, outputValue: outVal };
}

function fail(msg: string): never {
  throw new BwvmError('CG_QMODEL', msg, { hint: 'the integer model is inconsistent; re-run %quantize' });
}
