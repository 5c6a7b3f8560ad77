// DSP magics: %target (choose/show the target), %%asm (assemble a cell into a Program kept in the
// session) and %simulate (run a Program on the simulator, show the profile). Programs and the
// current target live in the session store under DSP_PROGRAMS / DSP_TARGETS (codegen may add
// programs under the same key so %simulate runs them).
import { html, plotly, table } from '../display/index.js';
import { type Program, assemble } from '../isa/index.js';
import { type Profile, Simulator, formatProfile, profileTable } from '../sim/index.js';
import type { Session } from '../session/index.js';
import { storeKey } from '../session/store.js';
import { DEFAULT_TARGET, type TargetDesc, getTarget, peakFlops, peakFlopsPerCycle, resolveTarget } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { MagicOutput, type MagicFamily, type MagicSpec } from './types.js';
import { simulateModel } from './dsp-lib.js';
import { simulateModes } from './dsp-gen.js';
import { simulateQuantized } from './dsp-quant.js';

export const DSP_PROGRAMS = storeKey<Program>('dsp-program');
export const DSP_TARGETS = storeKey<TargetDesc>('dsp-target');

/** The session's current target (default bwdsp104x). */
export function currentTarget(session: Session): TargetDesc {
  return session.store.current(DSP_TARGETS)?.value ?? getTarget(DEFAULT_TARGET);
}

function targetTable(t: TargetDesc) {
  const rows: Array<[string, unknown]> = [
    ['name', t.name], ['clock', `${t.clockHz / 1e6} MHz`],
    ['peak fp32', `${peakFlopsPerCycle(t)} FLOP/cycle = ${(peakFlops(t) / 1e9).toFixed(2)} GFLOPS`],
    ['macros', t.macros], ['units per macro', Object.entries(t.units).map(([k, v]) => `${v} ${k}`).join(', ')],
    ['registers per macro', t.regsPerMacro], ['issue width', `${t.issueWidth} slots`],
    ['data memory', `${t.memory.blocks} blocks x ${t.memory.banksPerBlock} banks x ${t.memory.blockWords / t.memory.banksPerBlock} words`],
    ['DMA', `${t.dma.channels} channels, ${t.dma.bytesPerCycle} B/cycle, latency ${t.dma.latency}`],
    ['latencies', Object.entries(t.latency).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ')],
  ];
  return table({ columns: ['figure', 'value'], rows }, { caption: t.description });
}

const targetMagic: MagicSpec = {
  name: 'target',
  kind: 'line',
  summary: 'choose the DSP target (preset name or JSON file) or show the current one',
  usage: '%target [bwdsp104x | bwdsp100 | FILE.json]',
  flags: [],
  positionals: [{ name: 'target', help: 'preset name or path to a JSON target', optional: true }],
  async run(args, ctx) {
    const name = args.pos('target');
    const t = name ? await resolveTarget(name) : currentTarget(ctx.session);
    if (name) ctx.session.store.set(DSP_TARGETS, t.name, t);
    return new MagicOutput(t, targetTable(t));
  },
};

const asmMagic: MagicSpec = {
  name: 'asm',
  kind: 'cell',
  summary: 'assemble the cell (BWDSP assembly) into a Program for %simulate',
  usage: '%%asm [--name NAME] [--target T]',
  flags: [
    { name: 'name', type: 'string', help: 'name to keep the program under', default: 'asm' },
    { name: 'target', type: 'string', help: 'check lines against this target (default: current)' },
  ],
  positionals: [],
  async run(args, ctx) {
    const t = args.str('target') ? await resolveTarget(args.str('target')!) : currentTarget(ctx.session);
    const name = args.str('name') ?? 'asm';
    const p = assemble(args.body ?? '', { file: `%%asm ${name}`, limits: t, blockWords: t.memory.blockWords });
    ctx.session.store.set(DSP_PROGRAMS, name, p);
    const slots = p.lines.reduce((n, l) => n + l.slots.length, 0);
    const syms = Object.values(p.symbols).map((s) => ({ symbol: s.name, space: s.space, address: s.addr, words: s.size }));
    const shown = html(`<p>program <b>${name}</b>: ${p.lines.length} execution lines, ${slots} slots, ` +
      `${p.chipTop} on-chip + ${p.ddrTop} DDR data words (target ${t.name})</p>`,
      `program ${name}: ${p.lines.length} lines, ${slots} slots`);
    if (!syms.length) return new MagicOutput(p, shown);
    ctx.display(shown);
    return new MagicOutput(p, table(syms));
  },
};

const simulateMagic: MagicSpec = {
  name: 'simulate',
  kind: 'line',
  summary: 'run a Program on the cycle-level simulator: cycles, FLOP efficiency, utilization, stalls, memory traffic',
  usage: '%simulate [--program NAME] [--target T] [--mode fast|traced] [--max-cycles N] [--sample-every N] [--show SYM,...] | %simulate --model [--model-name NAME] [--mode library|generated|both] [--weights chip|ddr|auto] [--plan] | %simulate --model (--quantized | --bits 8|16 [--per-channel]) [--model-name NAME]',
  flags: [
    { name: 'program', type: 'string', help: 'program name (default: the most recent one)' },
    { name: 'target', type: 'string', help: 'target preset or JSON file (default: current)' },
    { name: 'mode', type: 'string', help: 'fast or traced (traced adds a timeline); with --model: library (default), generated or both', default: 'fast' },
    { name: 'max-cycles', type: 'number', help: 'fault past this many cycles', default: 1e9 },
    { name: 'sample-every', type: 'number', help: 'traced mode: cycles per timeline sample', default: 1000 },
    { name: 'show', type: 'list', help: 'data symbols whose fp32 contents to print after the run' },
    { name: 'model', type: 'boolean', help: 'run the current model whole in library mode (one dsplib call per layer): per-layer table + chart' },
    { name: 'model-name', type: 'string', help: 'with --model: the model to run (default: the current one)' },
    { name: 'weights', type: 'string', help: 'with --model: weights on chip, in ddr (DMA-staged per call) or auto', default: 'auto' },
    { name: 'plan', type: 'boolean', help: 'with --model --mode generated|both: show the tiling plan (per layer: tile, filters on-chip or DDR, DDR words, buffers)' },
    { name: 'activations', type: 'string', help: 'with --model --mode generated|both: conv activations on chip, in ddr (row bands, DMA ping/pong) or auto (DDR only when they do not fit)', default: 'auto' },
    { name: 'chip-words', type: 'number', help: 'with --model --mode generated|both: use at most this many on-chip words (e.g. to see the DDR tiling of a small chip)' },
    { name: 'quantized', type: 'boolean', help: 'with --model: run the integer model of %quantize (--model-name names it) in library mode, checked bit for bit against the fixed-point reference' },
    { name: 'bits', type: 'number', help: 'with --model: quantize the current model to int8 or int16 first (as %quantize), then run it like --quantized' },
    { name: 'per-channel', type: 'boolean', help: 'with --bits: one weight scale per output channel' },
  ],
  positionals: [],
  async run(args, ctx) {
    if (args.bool('model')) {
      const mt = args.str('target') ? await resolveTarget(args.str('target')!) : currentTarget(ctx.session);
      if (args.bool('quantized') || args.num('bits') !== undefined) return simulateQuantized(args, ctx, mt);
      const mm = args.str('mode');
      if (mm === 'generated' || mm === 'both') return simulateModes(args, ctx, mt, mm);
      return simulateModel(args, ctx, mt);
    }
    const pname = args.str('program');
    const entry = pname ? { name: pname, value: ctx.session.store.get(DSP_PROGRAMS, pname) } : ctx.session.store.current(DSP_PROGRAMS);
    if (!entry?.value) {
      throw new BwvmError('SIM_NO_PROGRAM', pname ? `no program '${pname}' in this session` : 'no program to simulate yet',
        { hint: 'assemble one with %%asm (or generate one with %codegen) first' });
    }
    const t = args.str('target') ? await resolveTarget(args.str('target')!) : currentTarget(ctx.session);
    const mode = args.str('mode') === 'traced' ? 'traced' : 'fast';
    const sim = new Simulator(entry.value, t);
    const r = await sim.run({ mode, maxCycles: args.num('max-cycles'), sampleEvery: args.num('sample-every'), signal: ctx.signal });
    const outputs: Record<string, number[]> = {};
    for (const s of args.list('show')) outputs[s] = Array.from(sim.readOutput(s));
    const { columns, rows } = profileTable(r.profile);
    const summary = formatProfile(r.profile).split('\n').slice(0, 2).join('<br>');
    ctx.display(html(`<p>${summary}</p>`, formatProfile(r.profile).split('\n').slice(0, 2).join('\n')));
    const tl = r.profile.timeline;
    if (tl && tl.samples.length > 1) {
      const x = tl.samples.map((p) => p.start);
      const series = [
        { name: 'FLOP efficiency', y: tl.samples.map((p) => p.efficiency) },
        ...(['ALU', 'MUL', 'SHF', 'SPU'] as const).map((u) => ({ name: `${u} utilization`, y: tl.samples.map((p) => p.utilization[u]) })),
      ];
      ctx.display(plotly({
        data: series.map((sr) => ({ type: 'scatter', mode: 'lines', x, ...sr })),
        layout: { title: { text: `${entry.name} on ${t.name}: timeline (${tl.every} cycles per sample)` },
          xaxis: { title: { text: 'cycle' } }, yaxis: { range: [0, 1], tickformat: '.0%' }, height: 320 },
      }));
    }
    for (const [k, v] of Object.entries(outputs)) ctx.display(html(`<p><b>${k}</b> = [${v.join(', ')}]</p>`, `${k} = [${v.join(', ')}]`));
    const result: { profile: Profile; outputs: Record<string, number[]> } = { profile: r.profile, outputs };
    return new MagicOutput(result, table({ columns, rows }, { caption: `${entry.name} on ${t.name} (${mode})` }));
  },
};

export const dspFamily: MagicFamily = { name: 'dsp', magics: [targetMagic, asmMagic, simulateMagic] };
