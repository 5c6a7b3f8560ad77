// The optimizer magic family: %optimize (run a pass pipeline on a session model, show the pass
// log, keep the result as a new session model) and %memplan (activation memory plan of a
// model: greedy arena vs lower bound vs no-reuse baseline, and a Plotly timeline of buffers).
import { cloneGraph } from '../ir/graph.js';
import { inferShapes } from '../ir/infer.js';
import { optimize, PIPELINES, dumpInstrument, verifyInstrument, referenceInstrument, activationIntervals, readFusion, type Instrument, type PassLogEntry } from '../opt/index.js';
import { greedyPlan, linearPlan, lowerBound, placeRegions, type Plan } from '../memory/index.js';
import { MODELS, getModel } from '../session/models.js';
import { escapeHtml, html, plotly, table } from '../display/index.js';
import { BwvmError } from '../util/errors.js';
import { resolveTarget } from '../target/index.js';
import { MagicOutput, type MagicFamily, type MagicSpec } from './types.js';
import { MODEL_FLAG, graphSvg } from './model/common.js';

const levelOf = (has: (f: string) => boolean): string => {
  const set = ['O0', 'O1', 'O2'].filter((l) => has(l));
  if (set.length > 1) throw new BwvmError('OPT_LEVEL', `give one optimization level, got ${set.map((l) => `-${l}`).join(' ')}`, { hint: 'e.g. %optimize -O2' });
  return set[0] ?? 'O2';
};

export interface OptimizeMagicResult {
  model: string;
  from: string;
  level: string;
  log: PassLogEntry[];
  nodesBefore: number;
  nodesAfter: number;
  fusionGroups: number;
}

const optimizeMagic: MagicSpec = {
  name: 'optimize',
  kind: 'line',
  summary: 'run an optimization pipeline (-O0/-O1/-O2 or --passes) on a model; the result becomes a new session model',
  usage: '%optimize [-O0|-O1|-O2] [--passes P,...] [--model N] [--name NEW] [--layout NCHW|NHWC|NCHWc8] [--check] [--dump] [--graph]',
  details: `Pipelines: ${Object.entries(PIPELINES).map(([k, v]) => `${k} = ${v.join(' > ')}`).join('; ')}.`,
  flags: [
    { name: 'O0', type: 'boolean', help: 'shape inference only' },
    { name: 'O1', type: 'boolean', help: 'cleanups: constant folding, identity removal, CSE, DCE' },
    { name: 'O2', type: 'boolean', help: 'O1 + BN folding, bias/activation fusion, layout (default)' },
    { name: 'passes', type: 'list', help: 'explicit pass list instead of a level' },
    MODEL_FLAG,
    { name: 'name', type: 'string', help: 'name of the optimized model (default MODEL-LEVEL)' },
    { name: 'layout', type: 'string', help: "target's preferred activation layout for the layout pass" },
    { name: 'check', type: 'boolean', help: 'compare with the reference executor after every changing pass' },
    { name: 'dump', type: 'boolean', help: 'show the IR after every pass' },
    { name: 'graph', type: 'boolean', help: 'draw the optimized graph' },
  ],
  positionals: [],
  async run(args, ctx) {
    const m = getModel(ctx.session, args.str('model'));
    const passes = args.list('passes');
    const level = passes.length ? 'custom' : levelOf((f) => args.bool(f));
    const dump = args.bool('dump') ? dumpInstrument() : undefined;
    const instruments: Instrument[] = [verifyInstrument(), ...(args.bool('check') ? [referenceInstrument()] : []), ...(dump ? [dump] : [])];
    const layout = args.str('layout');
    const { graph, log } = optimize(m.graph, passes.length ? passes : level, { instruments, ...(layout ? { layout } : {}) });
    const name = args.str('name') ?? `${m.name}-${level}`;
    graph.name = name;
    ctx.session.store.set(MODELS, name, { name, graph, source: `${m.source} optimized (${level})`, format: m.format });
    const result: OptimizeMagicResult = { model: name, from: m.name, level, log, nodesBefore: m.graph.nodes.length, nodesAfter: graph.nodes.length, fusionGroups: readFusion(graph).length };
    ctx.stdout(`optimized '${m.name}' (${level}) -> '${name}' (now the current model): ${result.nodesBefore} -> ${result.nodesAfter} nodes, ${result.fusionGroups} fusion group(s)\n`);
    if (dump) {
      const parts = dump.dumps.map((d) => `<details><summary>after <b>${escapeHtml(d.pass)}</b></summary><pre>${escapeHtml(d.ir)}</pre></details>`);
      ctx.display(html(parts.join(''), dump.dumps.map((d) => `== ${d.pass}\n${d.ir}`).join('\n')));
    }
    if (args.bool('graph')) ctx.display(html(await graphSvg(graph), `(graph of ${name})`));
    const rows = log.map((l) => ({ pass: l.pass, 'time (ms)': Number(l.ms.toFixed(2)), 'nodes before': l.nodesBefore, 'nodes after': l.nodesAfter, changed: l.changed ? 'yes' : '', notes: l.notes.join('; ') }));
    return new MagicOutput(result, table(rows, { caption: `${m.name} -> ${name} (${level})` }));
  },
};

export interface MemplanResult {
  model: string;
  buffers: number;
  arenaBytes: number;
  lowerBound: number;
  linearBytes: number;
  plan: Plan;
  onchip?: { capacity: number; blockBytes?: number; onchipBytes: number; ddrBytes: number; onchipBuffers: number };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

function timeline(model: string, plan: Plan, lb: number) {
  const ps = plan.placements.filter((p) => p.size > 0);
  return plotly({
    data: [{
      type: 'bar', name: 'buffers',
      x: ps.map((p) => (p.first + p.last + 1) / 2), width: ps.map((p) => p.last - p.first + 1),
      base: ps.map((p) => p.offset), y: ps.map((p) => p.size),
      hovertext: ps.map((p) => `${p.id}: ${p.size} B @ ${p.offset}, steps ${p.first}..${p.last}`), hoverinfo: 'text',
      marker: { line: { width: 1, color: '#333' } }, opacity: 0.8,
    }],
    layout: {
      title: { text: `${model}: activation memory (arena ${kib(plan.arenaBytes)}, lower bound ${kib(lb)})` },
      xaxis: { title: { text: 'step (node in topological order)' } }, yaxis: { title: { text: 'offset (bytes)' } },
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: lb, y1: lb, line: { dash: 'dash', color: 'red' } }],
      bargap: 0, height: 380,
    },
  });
}

const memplanMagic: MagicSpec = {
  name: 'memplan',
  kind: 'line',
  summary: 'plan activation memory of a model: greedy arena vs lower bound vs no reuse, with a buffer timeline',
  usage: '%memplan [--model N] [--alignment BYTES] [--onchip BYTES] [--target T]',
  flags: [
    MODEL_FLAG,
    { name: 'alignment', type: 'number', help: 'buffer offset alignment in bytes', default: 16 },
    { name: 'onchip', type: 'number', help: 'on-chip capacity in bytes: split buffers between on-chip and DDR' },
    { name: 'target', type: 'string', help: "split between the target's on-chip blocks and DDR (e.g. bwdsp104x)" },
  ],
  positionals: [],
  async run(args, ctx) {
    const m = getModel(ctx.session, args.str('model'));
    const alignment = args.num('alignment') ?? 16;
    if (!(Number.isInteger(alignment) && alignment >= 1)) throw new BwvmError('MEM_ALIGN', `--alignment ${alignment} must be a positive integer`, { hint: 'e.g. --alignment 16' });
    const xs = activationIntervals(inferShapes(cloneGraph(m.graph)));
    const plan = greedyPlan(xs, { alignment });
    const lb = lowerBound(xs, alignment);
    const linearBytes = linearPlan(xs, { alignment }).arenaBytes;
    const result: MemplanResult = { model: m.name, buffers: xs.length, arenaBytes: plan.arenaBytes, lowerBound: lb, linearBytes, plan };
    const rows: Record<string, unknown>[] = [
      { plan: 'greedy (reuse)', bytes: plan.arenaBytes, 'vs lower bound': `${(100 * plan.arenaBytes / Math.max(1, lb)).toFixed(1)} %` },
      { plan: 'lower bound', bytes: lb, 'vs lower bound': '100.0 %' },
      { plan: 'linear (no reuse)', bytes: linearBytes, 'vs lower bound': `${(100 * linearBytes / Math.max(1, lb)).toFixed(1)} %` },
    ];
    const tname = args.str('target');
    const t = tname ? await resolveTarget(tname) : undefined;
    const blockBytes = t ? t.memory.blockWords * 4 : undefined;
    const cap = args.num('onchip') ?? (t ? t.memory.blocks * t.memory.blockWords * 4 : undefined);
    if (cap !== undefined) {
      const rp = placeRegions(xs, { onChipBytes: cap, alignment, ...(blockBytes ? { blockBytes } : {}) });
      result.onchip = { capacity: cap, ...(blockBytes ? { blockBytes } : {}), onchipBytes: rp.onchip.arenaBytes, ddrBytes: rp.ddr.arenaBytes, onchipBuffers: rp.onchip.placements.length };
      rows.push({ plan: `on-chip (${rp.onchip.placements.length} buffers, capacity ${cap}${blockBytes ? ` in blocks of ${blockBytes}` : ''})`, bytes: rp.onchip.arenaBytes, 'vs lower bound': '' },
        { plan: `DDR (${rp.ddr.placements.length} buffers)`, bytes: rp.ddr.arenaBytes, 'vs lower bound': '' });
    }
    ctx.display(timeline(m.name, plan, lb));
    return new MagicOutput(result, table(rows, { caption: `${m.name}: ${xs.length} activation buffers, alignment ${alignment} B` }));
  },
};

export const optFamily: MagicFamily = { name: 'opt', magics: [optimizeMagic, memplanMagic] };
