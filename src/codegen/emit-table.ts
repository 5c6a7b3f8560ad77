// The emitter table behind `--emit c,asm` (bwvm compile, %codegen): one row per output kind.
// 'c' is the portable C backend; the DSP assembly emitter adds its own row ('asm') here.
// Callers optimize first and hand in the fusion groups (codegen does not import the optimizer).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph } from '../ir/types.js';
import type { TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import { emitCModel, writeCModel, type CModel } from './c/index.js';
import { dspAsmSource, lowerToDsp } from './dsp/index.js';
import type { FusionHint } from './c/schedule.js';
import type { TilingPlan } from './tiling/index.js';

export interface EmitRequest {
  graph: Graph;
  dir: string;
  target: TargetDesc;
  fusion: readonly FusionHint[];
  prefix?: string;
  weights?: 'c' | 'blob';
  batch?: number;
}

export interface EmitResult {
  emitter: string;
  /** [file name, bytes] written into dir. */
  files: [string, number][];
  /** One-line facts for the report (arena, weights, layers...). */
  notes: string[];
  /** A short excerpt of the main listing. */
  listing: string;
  /** The C model (c emitter only), for callers that build or check it. */
  cModel?: CModel;
  /** Generated mode's tiling plan (asm emitter only): per layer, filters on-chip or DDR tiles. */
  tiling?: TilingPlan;
}

export interface EmitterRow { name: string; summary: string; emit(r: EmitRequest): EmitResult }

/** First `n` lines of the first layer block (after the includes), for reports. */
export function listingExcerpt(src: string, n = 16): string {
  const lines = src.split('\n');
  const at = Math.max(0, lines.findIndex((l) => /_run\(/.test(l) && l.includes('{')));
  return lines.slice(at, at + n).join('\n');
}

const cRow: EmitterRow = {
  name: 'c',
  summary: 'portable C99: <prefix>.c/.h, weights (C array or blob), harness.c; static arena, no malloc',
  emit(r) {
    const m = emitCModel(r.graph, { fusion: r.fusion, ...(r.prefix ? { prefix: r.prefix } : {}), ...(r.weights ? { weights: r.weights } : {}), ...(r.batch ? { batch: r.batch } : {}) });
    mkdirSync(r.dir, { recursive: true });
    const files = writeCModel(m, r.dir);
    const fused = m.layers.filter((l) => l.fused.length).length;
    return {
      emitter: 'c', files, cModel: m,
      notes: [
        `arena ${m.arenaBytes} B (lower bound ${m.lowerBoundBytes} B), weights ${m.weightsBytes} B`,
        `${m.layers.length} layers, ${fused} with fused epilogues, ${m.layers.filter((l) => l.view).length} views (no copy)`,
      ],
      listing: listingExcerpt(m.files.get(`${m.prefix}.c`) as string),
    };
  },
};

const asmRow: EmitterRow = {
  name: 'asm',
  summary: 'BWDSP assembly of the whole network in generated mode (fused, inlined kernels, planned memory): <prefix>.s with its data',
  emit(r) {
    const m = lowerToDsp(r.graph, r.target);
    mkdirSync(r.dir, { recursive: true });
    const file = `${r.prefix ?? 'model'}.s`, src = dspAsmSource(m);
    writeFileSync(join(r.dir, file), src);
    return {
      emitter: 'asm', files: [[file, Buffer.byteLength(src)]], tiling: m.tiling,
      notes: [`${m.layers.length} layers (${m.layers.filter((l) => l.nodes.length > 1).length} fused), ${m.program.lines.length} execution lines`,
        `activation arena ${m.plan.arenaWords} words (lower bound ${m.plan.lowerBoundWords}), weights ${m.memory.weightWords} words, ${m.memory.peakWords} of ${m.memory.chipWords} on-chip words`,
        ...(m.tiling.ddrIn ? [`filters from DDR: ${m.tiling.ddrIn} words per inference in ${m.tiling.tiles} double-buffered tiles (2 x ${m.tiling.stagingWords} staging words)`] : [])],
      listing: src.split('\n').filter((l) => !l.startsWith('.org') && !l.startsWith('.word')).slice(0, 16).join('\n'),
    };
  },
};

export const EMITTERS = new Map<string, EmitterRow>([['c', cRow], ['asm', asmRow]]);

/** Emitters planned but not yet built, with where they will come from. */
const PLANNED: Record<string, string> = {};

/** Rows for "c,asm"; CG_EMIT on unknown or not-yet-available emitters. */
export function resolveEmitters(spec: string): EmitterRow[] {
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new BwvmError('CG_EMIT', 'no emitter given', { hint: `--emit ${[...EMITTERS.keys()].join(',')}` });
  return names.map((n) => {
    const row = EMITTERS.get(n);
    if (row) return row;
    const why = PLANNED[n];
    throw new BwvmError('CG_EMIT', why ? `emitter '${n}': ${why}` : `unknown emitter '${n}'`, { hint: `available emitters: ${[...EMITTERS.keys()].join(', ')}` });
  });
}
