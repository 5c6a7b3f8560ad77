// `%simulate --model --mode generated|both`: the current network compiled in generated mode (fused,
// inlined kernels, planned memory) on the simulator, checked against the reference executor; with
// `both`, library mode runs too and the two are shown side by side per layer and in total. `--weights`
// chooses where generated mode's filters live (auto: DDR tiles when they do not fit); `--plan` shows the tiling plan.
import { run as reference } from '../bwdnn/reference/index.js';
import { plotly, table } from '../display/index.js';
import { planTable, type TilingPlan } from '../codegen/tiling/index.js';
import { BwvmError } from '../util/errors.js';
import { getModel } from '../session/index.js';
import { compileGenerated, compileLibrary, type LibraryRun, modeTable, runLibrary, runTotals } from '../session/library.js';
import type { TargetDesc } from '../target/index.js';
import type { MagicArgs } from './args.js';
import { MagicOutput, type MagicContext } from './types.js';
import { lcgSigned } from '../util/lcg.js';

/** Seeded values in [-1, 1). */
const rand = (n: number, seed: number): Float32Array => lcgSigned(n, seed);

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return Number.isNaN(d) ? Infinity : m === 0 ? d : d / m;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const delta = (g: number, b: number): string => (b ? `${g >= b ? '+' : ''}${(100 * (g / b - 1)).toFixed(1)} %` : 'n/a');
/** Whether some layer keeps its activations in DDR (row bands), not only its filters. */
const ddrActivations = (p: TilingPlan): boolean => p.layers.some((l) => l.activations !== undefined && l.activations !== 'on-chip');

export async function simulateModes(args: MagicArgs, ctx: MagicContext, t: TargetDesc, mode: 'generated' | 'both'): Promise<MagicOutput> {
  const entry = getModel(ctx.session, args.str('model-name'));
  const weights = args.str('weights') ?? 'auto';
  if (weights !== 'auto' && weights !== 'chip' && weights !== 'ddr') throw new BwvmError('SIM_WEIGHTS', `--weights must be chip, ddr or auto, got '${weights}'`);
  const activations = args.str('activations') ?? 'auto', chipWords = args.num('chip-words');
  if (activations !== 'auto' && activations !== 'chip' && activations !== 'ddr') throw new BwvmError('SIM_ACTIVATIONS', `--activations must be chip, ddr or auto, got '${activations}'`);
  if (chipWords !== undefined && !(Number.isInteger(chipWords) && chipWords > 0)) throw new BwvmError('SIM_CHIP_WORDS', `--chip-words must be a positive whole number of words, got ${chipWords}`);
  const gm = compileGenerated(entry.graph, t, 'O1', { weights, activations, ...(chipWords !== undefined ? { chipWords } : {}) });
  const inp = gm.inputs[0]!;
  const x = rand(inp.words, 1);
  const want = reference(entry.graph, { [inp.name]: { dtype: 'float32', shape: inp.shape, data: x } });
  const out = gm.outputs[0]!;
  const gen = await runLibrary(gm, t, { [inp.name]: x }, { signal: ctx.signal });
  const err = maxRelErr(gen.outputs[out.name]!, want[out.name]!.data as Float32Array);
  let lib: LibraryRun | undefined;
  if (mode === 'both') lib = await runLibrary(compileLibrary(entry.graph, t, 'O1', { weights }), t, { [inp.name]: x }, { signal: ctx.signal });
  const g = runTotals(gen), b = lib ? runTotals(lib) : undefined;
  const rows: Array<[string, string]> = [
    ['model', `${entry.name}: ${gm.layers.length} generated layers (fused kernels, one straight Program) on ${t.name}`],
    ['output check', `max rel err ${err.toExponential(2)} vs the reference executor (seeded random input)`],
    ['memory', `activation arena ${gm.plan.arenaWords} words (liveness lower bound ${gm.plan.lowerBoundWords}); weights ${gm.memory.weightWords}; ${gm.memory.peakWords} of ${gm.memory.chipWords} on-chip words`],
    ...(gm.tiling.ddrIn ? [[ddrActivations(gm.tiling) ? 'filters and activations in DDR' : 'filters from DDR', `${gm.tiling.ddrIn} words in${gm.tiling.ddrOut ? ` and ${gm.tiling.ddrOut} out` : ''} per inference planned, ${gen.profile.memory.ddr.read} read by DMA; ${gm.tiling.tiles} double-buffered tiles, ${gen.layers.reduce((a, l) => a + (l.stallsBy.dma ?? 0), 0)} DMA stall cycles`] as [string, string]] : []),
    ['generated', `${g.cycles} cycles, ${pct(g.efficiency)} of peak, MUL ${pct(g.mulUtil)}, ALU ${pct(g.aluUtil)}, ${g.words} words moved`],
  ];
  if (b) {
    rows.push(['library', `${b.cycles} cycles, ${pct(b.efficiency)} of peak, MUL ${pct(b.mulUtil)}, ALU ${pct(b.aluUtil)}, ${b.words} words moved`],
      ['generated vs library', `cycles ${delta(g.cycles, b.cycles)}, MUL utilization ${delta(g.mulUtil, b.mulUtil)}, words moved ${delta(g.words, b.words)}`]);
  }
  ctx.display(table({ columns: ['figure', 'value'], rows }));
  if (args.bool('plan')) ctx.display(table(planTable(gm.tiling), { caption: `${entry.name}: tiling plan (${Number.isFinite(gm.tiling.capacityWords) ? `${gm.tiling.capacityWords} on-chip words for filters` : 'filters all on-chip'})` }));
  const names = gen.layers.map((l) => l.node);
  const libTab = lib ? modeTable({ ...gen, model: gm }, lib, t) : undefined;
  ctx.display(plotly({
    data: [{ type: 'bar', name: 'generated', x: names, y: gen.layers.map((l) => l.cycles) },
      ...(libTab ? [{ type: 'bar', name: 'library', x: names, y: libTab.rows.slice(0, -1).map((r) => Number(r[3])) }] : [])],
    layout: { title: { text: `${entry.name} on ${t.name}: cycles per layer` }, barmode: 'group', yaxis: { title: { text: 'cycles' } }, height: 360 },
  }));
  const tab = libTab ?? { columns: ['layer', 'ops', 'cycles', '% peak', 'MUL %', 'ALU %', 'stalls', 'words'],
    rows: gen.layers.map((l) => [l.node, l.op, String(l.cycles), pct(l.efficiency), pct(l.mulUtil), pct(l.aluUtil), String(l.stalls), String(l.words)]) };
  return new MagicOutput({ model: entry.name, maxRelErr: err, generated: { layers: gen.layers, totals: g, plan: { arenaWords: gm.plan.arenaWords, lowerBoundWords: gm.plan.lowerBoundWords }, tiling: gm.tiling, ddrWords: gen.profile.memory.ddr }, ...(lib && b ? { library: { layers: lib.layers, totals: b } } : {}) },
    table(tab, { caption: `${entry.name}: ${mode === 'both' ? 'generated vs library mode' : 'generated mode'} per layer (${t.name})` }));
}
