// Generated mode (the compiler): an IR graph -> one straight Program for the whole network.
// Layers are fused groups (fuse.ts) each generated as one shape-exact kernel (kernels.ts), inlined
// with immediate tensor addresses (inline.ts, no calls, no argument blocks); activations are placed
// by src/memory's greedy planner over liveness; 'banked' layout puts filters, other constants, two
// activation arenas (by producer parity) and kernel data in distinct memory blocks, so the streams a
// kernel reads and writes together do not conflict; one profiler region per layer. Filters that do
// not fit on-chip stay in DDR (tiling planner, src/codegen/tiling): such a layer runs as output-channel
// tiles whose weights are DMA-staged into ping/pong buffers, the next tile's copy overlapping compute.
// Conv activations that still do not fit stay in DDR: their layers run in output-row bands (bands.ts).
// A conv feeding a pad >= 1 conv stores straight into that conv's zero-bordered input layout (padded.ts).
import { type Graph, type Node, type TensorInfo, bindInputShapes, cloneGraph } from '../../ir/index.js';
import { DmaTable, type DspKernel, layoutData, staticLines } from '../../dsplib/index.js';
import { assemble } from '../../isa/index.js';
import { greedyPlan, type Interval, lowerBound, type Placement } from '../../memory/index.js';
import { chipWords, type TargetDesc } from '../../target/index.js';
import { BwvmError, isBwvmError } from '../../util/errors.js';
import type { LibraryLayer, LibraryModel, LowerContext, LoweredCall } from '../library/index.js';
import { fuseLayers, type LayerGroup } from './fuse.js';
import { inlineKernel, parseKernel } from './inline.js';
import { convBandKernel, layerCall } from './kernels.js';
import { type Band, bandBuffers, type BandLayer, bandsOf, bandTraffic, type LayerWeights, planTiling, type TilingPlan } from '../tiling/index.js';
import { splitLayer, type TileCall, weightsOf } from './split.js';
import { bandCode, type BandCode } from './bands.js';
import { bandLayerOf, ddrCandidates, searchBands } from './band-plan.js';
import { borderCode, borderWords, paddedEdges, paddedWords, relaidKernels } from './padded.js';

export interface DspLayer extends LibraryLayer { /** Graph nodes fused into this layer. */ nodes: string[] }

export interface DspModel extends LibraryModel {
  layers: DspLayer[];
  /**
   * The activation plan: arena words (greedy) vs the liveness lower bound of the values (as the program uses them,
   * before dedicated hand-off buffers are stretched over the whole run), placements in words.
   */
  plan: { arenaBase: number; arenaWords: number; lowerBoundWords: number; placements: Placement[];
    /** Words of hand-off buffers given regions of their own for the whole run (padded: 'dedicated'); 0 when shared. */
    dedicatedWords: number;
    /** Issued lines of the border zeroing code / the whole program's (loops counted, stalls not). */
    zeroShare: number;
    /** banked: filters, other constants, two activation arenas and kernel data in distinct blocks; packed: one range. */
    layout: 'banked' | 'packed';
    /**
     * Padded hand-offs: `value` is stored by layer `from` straight into layer `to`'s zero-bordered input layout
     * (no copy in `to`); its border is zero from the data image ('image': no other buffer shares the region)
     * or zeroed by code at the start of `from` ('code': the planner reuses the region).
     */
    handoffs: Array<{ value: string; from: string; to: string; words: number; border: 'image' | 'code'; /** Words the border code stores per run (0: image). */ zeroed: number }> };
  /** Assembly source of the whole Program (the `asm` emitter writes it). */
  asm: string;
  /** Per weight layer: filters on-chip or streamed from DDR in output-channel tiles (planner's figures). */
  tiling: TilingPlan;
}

/** Largest share of the program's issued lines the border zeroing of shared hand-off buffers may take (else dedicated regions when they fit). */
export const SHARED_MAX_COST = 0.005;
/** Share of the on-chip budget that must stay free (weights, activations and kernel data in use) for dedicated hand-off regions. */
export const DEDICATED_ROOM = 0.25;
const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const ALIGN = 8;
const up = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

export interface DspOptions {
  /** Memory layout: 'banked' (default when it fits: tensors a kernel streams together in distinct blocks) or 'packed'. */
  layout?: 'banked' | 'packed';
  /** Filters on-chip ('chip'), streamed from DDR in double-buffered tiles ('ddr') or as the planner decides ('auto', default). */
  weights?: 'auto' | 'chip' | 'ddr';
  /** On-chip words the program may use (default and maximum: the target's). */
  chipWords?: number;
  /**
   * Activations on-chip ('chip'), or as needed ('auto', default): conv outputs that do not fit stay in DDR and
   * the conv layers producing / reading them run in output-row bands; 'ddr': every conv-to-conv activation in DDR.
   */
  activations?: 'auto' | 'chip' | 'ddr';
  /** Force the band height (output rows) of banded layers (rounded up to even with a fused pool). */
  bandRows?: number;
  /**
   * Padded hand-offs (default true): a conv feeding a pad >= 1 conv stores straight into that conv's
   * zero-bordered input layout, so the consumer kernel copies nothing (padded.ts). The buffers share regions as
   * planned, borders zeroed by store-only code before each producer, unless that code takes more than
   * SHARED_MAX_COST of the program and regions of their own (border zero from the data image) leave DEDICATED_ROOM
   * of the budget; 'shared' / 'dedicated' force one (dedicated falls back to shared when it does not fit);
   * false: every such conv copies its input.
   */
  padded?: boolean | 'shared' | 'dedicated';
}

/** Lower `graph` (not modified; run opt O1 first) for target `t`: batch 1, fp32; activations on-chip, filters as planned. */
export function lowerToDsp(graph: Graph, t: TargetDesc, o: DspOptions = {}): DspModel {
  const g = cloneGraph(graph);
  bindInputShapes(g, Object.fromEntries(g.inputs.map((i) => [i.name, i.shape.map((d, k) => (typeof d === 'number' ? d : k === 0 ? 1 : d))])));
  const info = (n: string): TensorInfo | undefined => g.valueInfo.get(n) ?? g.inputs.find((i) => i.name === n) ?? g.outputs.find((o) => o.name === n);
  const constant = (name: string): Float32Array | undefined => {
    const init = g.initializers.get(name);
    if (init && init.dtype !== 'float32') throw new BwvmError('CODEGEN_DSP_DTYPE', `constant '${name}' is ${init.dtype}; generated mode is fp32`);
    return init?.data as Float32Array | undefined;
  };
  const ctxFor = (node: Node): LowerContext => ({
    g, node, t, constant,
    shape(name) {
      const s = g.initializers.get(name)?.shape ?? info(name)?.shape;
      if (!s || s.some((d) => typeof d !== 'number')) throw new BwvmError('CODEGEN_DSP_SHAPE', `node '${node.name}': value '${name}' has no concrete shape`, { hint: 'give the input a fixed shape' });
      return s as number[];
    },
  });
  // 1. fused layers -> kernels
  const root = new Map<string, string>();
  const rootOf = (v: string): string => root.get(v) ?? v;
  const steps: Array<{ grp: LayerGroup; call: LoweredCall }> = [];
  for (const grp of fuseLayers(g, constant)) {
    const node = grp.nodes[0]!;
    let r: LoweredCall | { alias: string };
    try { r = layerCall(grp, ctxFor(node)); } catch (e) {
      if (isBwvmError(e) && e.code === 'CODEGEN_LIBRARY_OP') {
        throw new BwvmError('CODEGEN_DSP_OP', `node '${node.name}': op ${node.op} has no DSP kernel in generated mode`, { hint: e.hint ?? '' });
      }
      if (isBwvmError(e) && !e.message.includes(`'${node.name}'`)) throw new BwvmError(e.code, `node '${node.name}' (${node.op}): ${e.message}`, { hint: e.hint });
      throw e;
    }
    if ('alias' in r) { root.set(grp.output, rootOf(r.alias)); continue; }
    steps.push({ grp, call: r });
  }
  const prefix = (i: number): string => `g${i}`;
  const splits = new Map<string, TileCall[]>();
  const budget = Math.min(o.chipWords ?? chipWords(t), chipWords(t));
  const mode = o.weights ?? 'auto';
  const weights0 = steps.map((s) => weightsOf(s.grp, s.call));
  const noMemory = (e: unknown): boolean => isBwvmError(e) && e.code === 'CODEGEN_DSP_NO_MEMORY';
  /** What the last build needed: on-chip top and the words of filters + staging buffers in it. */
  let need = { top: 0, tiling: 0 };
  // activation tiling state: values kept in DDR (roots) and each banded step's layer view and band height
  let ddrActs = new Set<string>();
  let banded = new Map<number, { l: BandLayer; th: number; bands: Band[] }>();
  let weights = weights0;
  let fastBands = false;
  const actMode = o.activations ?? 'auto';
  const tooBig = (e: unknown): boolean => noMemory(e) || (isBwvmError(e) && e.code === 'CODEGEN_TILING');
  let firstError: unknown;
  /** Padded hand-offs in the last build. */
  let lastEdges = 0;
  const fixed = new Set([...g.inputs.map((i) => i.name), ...g.outputs.map((x) => rootOf(x.name))]);
  if (actMode !== 'ddr') {
    try { return placeWeights(); } catch (e) { if (!tooBig(e) || actMode === 'chip') throw e; firstError = e; }
  }
  // activations in DDR: candidates largest first (all of them with 'ddr'), band heights searched per set
  const bandable = steps.map((s) => bandLayerOf(s.grp, ctxFor(s.grp.nodes[0]!)));
  const cands = ddrCandidates(steps, bandable.map((b) => b !== undefined), rootOf, fixed, (v) => prod(ctxFor(g.nodes[0]!).shape(v)));
  let lastError: unknown = new BwvmError('CODEGEN_DSP_NO_MEMORY', `no activation of this network can live in DDR (only conv-to-conv values without a residual add can), and it does not fit ${budget} on-chip words on ${t.name}`,
    { hint: 'use a smaller input or width, or library mode' });
  for (let n = actMode === 'ddr' ? cands.length : 1; n <= cands.length; n++) {
    const set = new Set(cands.slice(0, n));
    const rows = new Map<number, BandLayer>();
    steps.forEach((s, i) => {
      const b = bandable[i];
      const x = s.call.args.x, y = s.call.args.y;
      const inDdr = !!x && 'value' in x && set.has(rootOf(x.value)), outDdr = !!y && 'value' in y && set.has(rootOf(y.value));
      if (b && (inDdr || outDdr)) rows.set(i, { ...b, inDdr, outDdr });
    });
    const idx = [...rows.keys()];
    // probes use one blocking per band shape (fast); the chosen plan is rebuilt with blocking by cycles and words when it still fits
    fastBands = true;
    const r = searchBands([...rows.values()], (th) => {
      ddrActs = set;
      banded = new Map(idx.map((i, k) => [i, { l: rows.get(i)!, th: th[k]!, bands: bandsOf(rows.get(i)!, th[k]!) }]));
      weights = weights0.map((w, i) => (banded.has(i) ? undefined : w));
      try { return { model: placeWeights(), banded }; } catch (e) { if (!tooBig(e)) throw e; lastError = e; return undefined; }
    }, o.bandRows);
    if (!r) continue;
    fastBands = false;
    banded = r.banded;
    weights = weights0.map((w, i) => (banded.has(i) ? undefined : w));
    try { return placeWeights(); } catch (e) { if (!tooBig(e)) throw e; return r.model; }
  }
  // nothing fits: the all-on-chip attempt's error names what is too large
  if (isBwvmError(firstError)) {
    throw new BwvmError(firstError.code, firstError.message.split('\n  hint: ')[0]!, { hint: `${firstError.hint ? `${firstError.hint}; ` : ''}conv activations in DDR (output-row bands) did not fit either (${cands.length} candidate values)` });
  }
  throw lastError;

  /** Filters on-chip or streamed from DDR (the weight planner) for the current activation placement. */
  function placeWeights(): DspModel {
    const wl = weights.filter((w): w is LayerWeights => w !== undefined);
    const resident = planTiling(wl, Infinity, { weights: 'chip' });
    const bankable = o.layout !== 'packed' && t.memory.blocks >= 6 && banded.size === 0;
    if (mode !== 'ddr') {
      if (bankable) {
        try { return build(true, resident); } catch (e) { if (!noMemory(e)) throw e; }
      }
      try { return build(false, resident); } catch (e) { if (!(noMemory(e) && mode === 'auto')) throw e; }
    } else try { build(false, resident, true); } catch (e) { if (!noMemory(e)) throw e; }
    // filters streamed from DDR (packed layout): the planner gets what the rest leaves, corrected by each try's overflow
    let cap = budget - (need.top - need.tiling);
    const noRoom = (): BwvmError => new BwvmError('CODEGEN_DSP_NO_MEMORY', `activations and kernel data alone need ${need.top - need.tiling} on-chip words; ${budget} are available on ${t.name}`,
      { hint: 'conv activations that do not fit go to DDR (output-row bands) unless --activations chip; the rest must fit: use a smaller input, or library mode' });
    if (cap <= 0) throw noRoom();
    for (let attempt = 0; ; attempt++) {
      const plan = planTiling(wl, cap, { weights: mode === 'ddr' ? 'ddr' : 'auto' });
      if (bankable && budget === chipWords(t)) {
        try { return build(true, plan); } catch (e) { if (!noMemory(e)) throw e; } // (filters + staging in blocks 1, 2, 4 when they fit)
      }
      try { return build(false, plan); } catch (e) {
        if (!noMemory(e) || attempt >= 4 || need.top <= budget) throw e;
        cap -= need.top - budget;
        if (cap <= 0) throw noRoom(); // (tiled layers need more than the resident estimate)
      }
    }
  }

  /**
   * Padded hand-off buffers share regions as the planner decides (borders zeroed by store-only code before each
   * producer) unless that code costs more than SHARED_MAX_COST of the program's issued lines and dedicated regions
   * (border zero from the data image, no code) leave DEDICATED_ROOM of the budget free; 'dedicated' / 'shared' force one.
   */
  function build(banked: boolean, plan: TilingPlan, probe = false): DspModel {
    const pm = o.padded === 'dedicated' || o.padded === 'shared' ? o.padded : 'auto';
    if (probe || o.padded === false || pm === 'shared') return buildWith(banked, plan, probe, false);
    if (pm === 'dedicated') {
      try { return buildWith(banked, plan, false, true); } catch (e) { if (!noMemory(e) || lastEdges === 0) throw e; }
      return buildWith(banked, plan, false, false);
    }
    const shared = buildWith(banked, plan, false, false);
    if (shared.plan.zeroShare <= SHARED_MAX_COST) return shared;
    try {
      const own = buildWith(banked, plan, false, true);
      // (words in use: banked layout's peak is a block boundary)
      if (own.memory.weightWords + own.plan.arenaWords + own.memory.staticWords <= (1 - DEDICATED_ROOM) * budget) return own;
    } catch (e) { if (!noMemory(e)) throw e; }
    return shared;
  }

  /**
   * Packed as the fallback of the banked layout: the arena starts at the block after the last on-chip weights when that
   * fits the budget (else right after them), so no layer's activations share a memory block with filters (bank
   * conflicts x / w, e.g. a dense layer). `{ layout: 'packed' }` asked for packs everything tightly from address 0.
   */
  function buildWith(banked: boolean, plan: TilingPlan, probe: boolean, dedicated: boolean): DspModel {
    if (banked || probe || o.layout === 'packed') return place(banked, plan, probe, dedicated, false);
    try { return place(banked, plan, probe, dedicated, true); } catch (e) { if (!noMemory(e)) throw e; }
    return place(banked, plan, probe, dedicated, false);
  }

  /**
   * Place, inline and assemble; `banked`: weights, activations and kernel data in distinct memory blocks; `probe`: only
   * measure `need`; `apart` (packed): the arena starts at a block boundary past the statics.
   */
  function place(banked: boolean, plan: TilingPlan, probe: boolean, dedicated: boolean, apart: boolean): DspModel {
    const bw = t.memory.blockWords;
    const bump = [0, 1, 2, 3, 4, 5].map((b) => b * bw);
    /** Next free address in block b (banked layout), NO_MEMORY past the block. */
    const inBlock = (b: number, n: number): number => {
      const a = bump[b]!;
      if (a + n > (b + 1) * bw) throw new BwvmError('CODEGEN_DSP_NO_MEMORY', `block ${b} is full`);
      bump[b] = up(a + n);
      return a;
    };
    /** The first of `blocks` with room for n words (filters spill from block 1 to 2 and 4, never into activation blocks). */
    const firstFit = (blocks: number[], n: number): number => {
      const b = blocks.find((k) => bump[k]! + n <= (k + 1) * bw);
      if (b === undefined) throw new BwvmError('CODEGEN_DSP_NO_MEMORY', `no block has room for ${n} filter words`);
      return inBlock(b, n);
    };
    // 1b. each layer as its tiles (one part when its filters are on-chip); DDR parts numbered in program order
    const byLayer = new Map(plan.layers.map((p) => [p.layer, p]));
    let nDdr = 0;
    const parts = steps.map((s, i): Array<TileCall & { ddr?: number; band?: number }> => {
      const bl = banded.get(i);
      if (bl) return bl.bands.map((bd, k) => ({ call: { kernel: bandKernel(i, bd), args: s.call.args }, m0: 0, MG: 0, offset: 0, band: k }));
      const lp = weights[i] ? byLayer.get(s.grp.name) : undefined;
      const tiles: TileCall[] = lp && lp.MG < lp.M ? splitCached(i, lp.MG) : [{ call: s.call, m0: 0, MG: 0, offset: 0 }];
      return tiles.map((tc) => ({ ...tc, ddr: lp?.placement === 'ddr' ? nDdr++ : undefined }));
    });
    // 1c. padded hand-offs between conv layers (tiles of a layer share one kernel): the producer stores into the consumer's zero-bordered layout
    const firstKernels = parts.map((ps, i) => (banded.has(i) ? undefined : ps[0]!.call.kernel));
    const kernelOf = (i: number): DspKernel | undefined => firstKernels[i];
    const edges = o.padded === false ? [] : paddedEdges(steps, kernelOf, rootOf, fixed);
    const swap = (ks: Map<number, DspKernel>): void => { for (const [i, k] of ks) parts[i] = parts[i]!.map((p) => ({ ...p, call: { ...p.call, kernel: k } })); };
    swap(relaidKernels(kernelOf, edges, t));
    // 2. statics: weights (kernel layout) from address 0 (banked: filters in block 1 (then 2, 4), other constants in block 2);
    //    DDR-resident filters in DDR (tile after tile), two staging buffers on-chip
    let top = 0, ddrTop = 0, tilingWords = 0;
    const data: Array<{ addr: number; words: Uint32Array; space?: 'ddr' }> = [];
    const dataLines: string[] = [];
    const staging: number[] = [];
    const ddrTiles: Array<{ src: number; words: number }> = [];
    const constAddr = parts.map((ps, i) => { let first: Map<string, number> | undefined; return ps.map((part, k) => {
      if (part.band) return first!; // the bands of a layer share its weights
      const m = new Map<string, number>();
      first = m;
      for (const spec of part.call.kernel.inputs) {
        const src = part.call.args[spec.symbol];
        if (!src) throw new BwvmError('CODEGEN_DSP_BIND', `node '${steps[i]!.grp.name}': kernel ${part.call.kernel.name} input '${spec.symbol}' is not bound`);
        if (!('constant' in src)) continue;
        const laid = layoutData(spec, src.constant);
        const words = new Uint32Array(laid.buffer, laid.byteOffset, laid.length);
        const filters = spec.symbol === 'w' && weights[i] !== undefined;
        if (filters && part.ddr !== undefined) {
          if (staging.length === 0) {
            for (const _ of [0, 1]) { staging.push(banked ? firstFit([1, 2, 4], plan.stagingWords) : top); if (!banked) top = up(top + plan.stagingWords); }
            tilingWords += 2 * up(plan.stagingWords);
          }
          ddrTiles.push({ src: ddrTop, words: laid.length });
          data.push({ addr: ddrTop, words, space: 'ddr' });
          ddrTop = up(ddrTop + laid.length);
          m.set(spec.symbol, staging[part.ddr % 2]!);
          continue;
        }
        const at = banked ? (spec.symbol === 'w' ? firstFit([1, 2, 4], laid.length) : inBlock(2, laid.length)) : top;
        if (!banked) top = up(top + laid.length);
        if (filters) tilingWords += up(laid.length);
        m.set(spec.symbol, at);
        dataLines.push(`.org ${at}`, `${prefix(i)}${k ? `t${k}` : ''}__${spec.symbol}: .space ${laid.length}`);
        data.push({ addr: at, words });
      }
      return m;
    }); });
    const weightWords = data.reduce((a, d) => a + (d.space ? 0 : d.words.length), 0); // (private data is pushed later)
    // 3. activations: one interval per buffer (value root), sized by the largest extent a kernel touches
    const iv = new Map<string, Interval>();
    const last = steps.length - 1;
    const touch = (v: string, i: number, words: number): void => {
      const x = iv.get(v);
      if (!x) iv.set(v, { id: v, size: words, first: i, last: i });
      else { x.size = Math.max(x.size, words); x.first = Math.min(x.first, i); x.last = Math.max(x.last, i); }
    };
    /** Word offset of a tile's tensor in its buffer: output and addend channels shift with the tile. */
    const offsetOf = (part: TileCall, symbol: string): number => {
      const yPlane = part.call.kernel.params.yPlane; // (y stored in a consumer's padded layout: channel planes of yPlane words)
      return symbol === 'y' && yPlane !== undefined ? part.m0 * yPlane : symbol === 'y' || symbol === 'addend' ? part.offset : 0;
    };
    for (const inp of g.inputs) touch(inp.name, 0, prod(ctxFor(g.nodes[0]!).shape(inp.name)));
    parts.forEach((ps, i) => {
      const s = steps[i]!;
      if (banded.has(i)) { // a banded layer touches only its on-chip input / output (its kernels work in the band buffers)
        for (const sym of ['x', 'y']) {
          const src = s.call.args[sym]!;
          if ('value' in src && !ddrActs.has(rootOf(src.value))) touch(rootOf(src.value), i, prod(ctxFor(s.grp.nodes[0]!).shape(src.value)));
        }
        return;
      }
      for (const part of ps) {
        const spaces = new Map(parseKernel(part.call.kernel.asm).data.map((d) => [d.name, d.words]));
        for (const k of [...part.call.kernel.inputs, ...part.call.kernel.outputs]) {
          const src = part.call.args[k.symbol]!;
          if (!('value' in src)) continue;
          if (k.rowPitch) throw new BwvmError('CODEGEN_DSP_BIND', `node '${s.grp.name}': activation '${src.value}' feeds a row-pitched kernel tensor '${k.symbol}'`);
          touch(rootOf(src.value), i, Math.max(offsetOf(part, k.symbol) + Math.max(prod(k.shape), spaces.get(k.symbol) ?? 0), prod(ctxFor(s.grp.nodes[0]!).shape(src.value))));
        }
      }
    });
    for (const inp of g.inputs) iv.get(inp.name)!.last = last; // the host writes inputs and reads outputs by symbol
    for (const o of g.outputs) { const x = iv.get(rootOf(o.name)); if (x) x.last = last; }
    const intervals = [...iv.values()];
    const producedAt = new Map(intervals.map((x) => [x.id, x.first]));
    // dedicated: hand-off buffers live through the whole program (no other buffer shares them: their border stays zero)
    lastEdges = edges.length;
    const liveBound = lowerBound(intervals, ALIGN); // (before dedicated buffers stretch their intervals)
    if (dedicated) for (const e of edges) { const x = iv.get(e.value)!; x.first = 0; x.last = last; }
    // banked: a layer's input and output sit in different blocks (producer step parity: blocks 0 and 3)
    const isInput = new Set(g.inputs.map((i) => i.name));
    const blockOf = (x: Interval): number => (isInput.has(x.id) || producedAt.get(x.id)! % 2 === 1 ? 3 : 0);
    const arenas = banked ? [0, 3].map((b) => ({ base: b * bw, plan: greedyPlan(intervals.filter((x) => blockOf(x) === b), { alignment: ALIGN }) }))
      : [{ base: apart ? Math.ceil(top / bw) * bw : up(top), plan: greedyPlan(intervals, { alignment: ALIGN }) }];
    if (banked && arenas.some((p) => p.plan.arenaBytes > bw)) throw new BwvmError('CODEGEN_DSP_NO_MEMORY', 'activations overflow a block');
    const arenaBase = banked ? 0 : arenas[0]!.base;
    const arenaWords = arenas.reduce((a, p) => a + p.plan.arenaBytes, 0);
    const placements = arenas.flatMap((p) => p.plan.placements.map((x) => ({ ...x, offset: p.base - arenaBase + x.offset })));
    const privStart = banked ? 5 * bw : arenaBase + arenaWords;
    const addrOf = new Map(placements.map((p) => [p.id, arenaBase + p.offset]));
    // 4. code: each kernel inlined with immediate addresses; its private data after the arena (banked: block 5).
    //    Tiles of a layer share the kernel's private data; a DDR tile waits for its weights and starts the next tile's copy.
    let pTop = up(privStart);
    // band buffers (shared by all banded layers, after the arena) and DDR activations (after DDR filters)
    const bb = { stage: 0, xp: 0, yb: 0, zeros: 0 };
    for (const [i, { l, th }] of banded) {
      const est = bandBuffers(l, th);
      for (const part of parts[i]!) {
        const spaces = new Map(parseKernel(part.call.kernel.asm).data.map((d) => [d.name, d.words]));
        const xs = Math.max(spaces.get('x') ?? 0, prod(part.call.kernel.inputs[0]!.shape)), ys = Math.max(spaces.get('y') ?? 0, prod(part.call.kernel.outputs[0]!.shape));
        if (l.inDdr && l.pad === 0) bb.stage = Math.max(bb.stage, est.stage, xs); else { bb.stage = Math.max(bb.stage, est.stage); bb.xp = Math.max(bb.xp, xs); }
        bb.yb = Math.max(bb.yb, est.yb, ys);
      }
      bb.zeros = Math.max(bb.zeros, est.zeros);
    }
    const alloc = (n: number): number => { const a = pTop; pTop = up(pTop + n); return a; };
    const bufs = banded.size ? {
      stage: [alloc(bb.stage), alloc(bb.stage)] as [number, number], xp: bb.xp ? alloc(bb.xp + 2 * ALIGN) + ALIGN : 0,
      yb: [alloc(bb.yb), alloc(bb.yb)] as [number, number], zeros: alloc(bb.zeros),
    } : undefined;
    // a hand-off buffer no other buffer shares starts zero (data image); a shared one gets its border zeroed before its producer
    const zeroBefore = new Map<number, string[]>();
    const handoffs: DspModel['plan']['handoffs'] = [];
    for (const e of edges) {
      const p = placements.find((x) => x.id === e.value)!;
      const shared = placements.some((x) => x.id !== e.value && x.size > 0 && x.offset < p.offset + p.size && p.offset < x.offset + x.size);
      const at = arenaBase + p.offset;
      handoffs.push({ value: e.value, from: steps[e.producer]!.grp.name, to: steps[e.consumer]!.grp.name, words: paddedWords(e), border: shared ? 'code' : 'image', zeroed: shared ? borderWords(e) : 0 });
      if (!shared) { data.push({ addr: at, words: new Uint32Array(p.size) }); continue; }
      zeroBefore.set(e.producer, [...(zeroBefore.get(e.producer) ?? []), ...borderCode(e, at, t, `${prefix(e.producer)}z${handoffs.length}`)]);
    }
    // a consumer whose x lands in a memory block with its filters is rescheduled for that (bank conflicts x / w)
    const blocks = (a: number, n: number): number[] => Array.from({ length: Math.floor((a + n - 1) / bw) - Math.floor(a / bw) + 1 }, (_, k) => Math.floor(a / bw) + k);
    const nearW = new Set(edges.filter((e) => parts[e.consumer]!.some((part, k) => {
      const wSpec = part.call.kernel.inputs.find((x) => x.symbol === 'w')!;
      const xb = blocks(addrOf.get(e.value)!, paddedWords(e)), wb = blocks(constAddr[e.consumer]![k]!.get('w')!, wSpec.shape[0]! * (wSpec.rowPitch ?? 1));
      return xb.some((b) => wb.includes(b));
    })).map((e) => e.consumer));
    if (nearW.size) swap(new Map([...relaidKernels(kernelOf, edges, t, nearW)].filter(([i]) => nearW.has(i))));
    const ddrAct = new Map<string, number>();
    for (const v of ddrActs) { ddrAct.set(v, ddrTop); ddrTop = up(ddrTop + prod(ctxFor(g.nodes[0]!).shape(v))); }
    const text = ['.text', '.entry main', 'main:'];
    // weight staging descriptors: dsplib's DMA table (6 words per tile, on-chip; 32-bit DDR addresses), channel = buffer
    const dt = new DmaTable();
    const dmas = ddrTiles.map((d, j) => dt.add({ dir: 'in', ch: j % 2, src: String(d.src), dst: String(staging[j % 2]), len: d.words, rows: 1, sstr: 0, dstr: 0 }));
    const stage = (j: number): string[] => dt.issue(dmas[j]!, 'gdma');
    const ind = (ls: string[]): string[] => ls.map((l) => (l.endsWith(':') ? l : `    ${l}`));
    parts.forEach((ps, i) => {
      text.push(`${prefix(i)}__start:`);
      if (i === 0 && ddrTiles.length) text.push(...stage(0).map((l) => `    ${l}`));
      text.push(...ind(zeroBefore.get(i) ?? []));
      const bl = banded.get(i);
      let bc: BandCode | undefined;
      if (bl) {
        const at = (v: string): number => (ddrAct.has(rootOf(v)) ? ddrAct.get(rootOf(v))! : addrOf.get(rootOf(v))!);
        const arg = (sym: string): string => (steps[i]!.call.args[sym] as { value: string }).value;
        bc = bandCode(bl.l, bl.bands, { ...bufs!, x: at(arg('x')), y: at(arg('y')) }, dt, 'gdma', t, `${prefix(i)}b`);
        text.push(...ind(bc.start));
      }
      const kernels = [...new Set(ps.map((p) => p.call.kernel))];
      const seen = new Set<number>();
      ps.forEach((part, k) => {
        const addrs = new Map<string, number>();
        for (const spec of [...part.call.kernel.inputs, ...part.call.kernel.outputs]) {
          const src = part.call.args[spec.symbol]!;
          addrs.set(spec.symbol, 'constant' in src ? constAddr[i]![k]!.get(spec.symbol)! : addrOf.get(rootOf(src.value))! + offsetOf(part, spec.symbol));
        }
        if (bc) { addrs.set('x', bc.bands[k]!.x); addrs.set('y', bc.bands[k]!.y); }
        const kid = kernels.indexOf(part.call.kernel), pfx = kid ? `${prefix(i)}k${kid}` : prefix(i);
        const inl = inlineKernel(part.call.kernel, pfx, addrs, t);
        const firstUse = !seen.has(kid);
        seen.add(kid);
        if (firstUse) {
          for (const p of inl.privates) {
            if (banked && pTop + p.words > 6 * bw) throw new BwvmError('CODEGEN_DSP_NO_MEMORY', 'kernel data overflow block 5');
            dataLines.push(`.org ${pTop}`, `${p.symbol}: .space ${p.words}`);
            data.push({ addr: pTop, words: p.init });
            pTop = up(pTop + p.words);
          }
        }
        const j = part.ddr;
        if (j !== undefined) text.push(`    dma${j % 2} wait`, ...(j + 1 < ddrTiles.length ? stage(j + 1).map((l) => `    ${l}`) : []));
        const labels = new RegExp(`\\b${pfx}_L(\\d+)\\b`, 'g');
        const code = firstUse ? inl.code : inl.code.map((l) => l.replace(labels, `${prefix(i)}t${k}_L$1`));
        if (bc) text.push(...ind(bc.bands[k]!.before));
        text.push(...ind(code));
        if (bc) text.push(...ind(bc.bands[k]!.after));
      });
    });
    text.push('    halt');
    if (dt.list.length) { dataLines.push(`.org ${pTop}`, ...dt.data('gdma')); pTop = up(pTop + 6 * dt.list.length); }
    need = { top: pTop, tiling: tilingWords };
    if (pTop > budget || probe) {
      throw new BwvmError('CODEGEN_DSP_NO_MEMORY', `generated mode needs ${pTop} on-chip words (weights ${weightWords}, activations ${arenaWords}, kernel data ${pTop - privStart}); ${budget} are available on ${t.name}`,
        { hint: 'use --weights ddr|auto (filters streamed from DDR), a smaller width/input, or library mode' });
    }
    const tensor = (name: string, kind: string) => {
      const addr = addrOf.get(rootOf(name));
      if (addr === undefined) throw new BwvmError('CODEGEN_DSP_BIND', `graph ${kind} '${name}' is never computed by a kernel`);
      const shape = ctxFor(g.nodes[0]!).shape(name);
      return { name, symbol: `${kind}_${name.replace(/\W/g, '_')}`, shape, words: prod(shape), addr };
    };
    const ins = g.inputs.map((i) => tensor(i.name, 'in'));
    const outs = g.outputs.map((o) => tensor(o.name, 'out'));
    for (const x of [...ins, ...outs]) dataLines.push(`.org ${x.addr}`, `${x.symbol}: .space ${x.words}`);
    const asm = ['.data', ...dataLines, `.org ${chipWords(t)}`, ...text, ''].join('\n');
    const zeroLines = [...zeroBefore.values()].reduce((a, z) => a + staticLines(z), 0);
    const zeroShare = zeroLines ? zeroLines / staticLines(text) : 0;
    const program = assemble(asm, { limits: t, file: 'generated.s' });
    program.data.push(...data.map((d) => ({ space: d.space ?? ('chip' as const), base: d.addr, words: d.words })));
    const starts = steps.map((_, i) => program.symbols[`${prefix(i)}__start`]!.addr);
    program.regions = steps.map((s, i) => ({ name: s.grp.name, start: starts[i]!, end: i + 1 < steps.length ? starts[i + 1]! : program.lines.length }));
    const layers: DspLayer[] = steps.map((s) => ({
      node: s.grp.name, op: s.grp.nodes.map((n) => n.op).join('+'), kernel: s.call.kernel.name, flops: s.call.kernel.flops,
      shape: s.call.kernel.description, nodes: s.grp.nodes.map((n) => n.name),
      weightWords: s.call.kernel.inputs.filter((k) => 'constant' in (s.call.args[k.symbol] ?? {})).reduce((a, k) => a + prod(k.shape), 0),
    }));
    return {
      program, target: t.name, inputs: ins, outputs: outs, layers, asm, tiling: withBands(plan),
      memory: { chipWords: budget, peakWords: pTop, weightWords, staticWords: pTop - privStart, weights: ddrTiles.length ? 'ddr' : 'chip' },
      plan: { arenaBase, arenaWords, lowerBoundWords: liveBound, dedicatedWords: dedicated ? edges.reduce((a, e) => a + up(iv.get(e.value)!.size), 0) : 0, zeroShare, placements, layout: banked ? 'banked' : 'packed', handoffs },
    };
  }

  /** The pad-0 kernel of one band of banded step i (cached by shape in blocking.ts). */
  function bandKernel(i: number, bd: Band) {
    const l = banded.get(i)!.l;
    return convBandKernel(steps[i]!.grp, { C: l.C, Hb: bd.Hb, Wp: l.W + 2 * l.pad, M: l.M, kH: l.kH, kW: l.kW, stride: l.stride }, t, fastBands);
  }

  /** The weight plan with the banded layers (row bands, activations in DDR, their DDR words) in program order. */
  function withBands(plan: TilingPlan): TilingPlan {
    if (!banded.size) return plan;
    const rows = steps.flatMap((s, i) => {
      const b = banded.get(i);
      if (!b) return plan.layers.filter((p) => p.layer === s.grp.name);
      const tr = bandTraffic(b.l, b.th);
      const where = (d: boolean): string => (d ? 'DDR' : 'chip');
      return [{ layer: s.grp.name, M: b.l.M, placement: 'chip' as const, buffers: 'resident', MG: b.l.M, tiles: 1, tileWords: 0, ddrIn: tr.ddrIn, ddrOut: tr.ddrOut,
        rows: b.th, bands: tr.bands, activations: `${where(b.l.inDdr)} -> ${where(b.l.outDdr)}` }];
    });
    const add = (k: 'ddrIn' | 'ddrOut'): number => plan[k] + [...banded.values()].reduce((a, b) => a + bandTraffic(b.l, b.th)[k], 0);
    return { ...plan, layers: rows, ddrIn: add('ddrIn'), ddrOut: add('ddrOut') };
  }

  /** A layer's tiles of MG channels (kernel generated once per layer and tile size). */
  function splitCached(i: number, MG: number): TileCall[] {
    const key = `${i}:${MG}`;
    let v = splits.get(key);
    if (!v) { v = splitLayer(steps[i]!.grp, steps[i]!.call, ctxFor(steps[i]!.grp.nodes[0]!), MG); splits.set(key, v); }
    return v;
  }
}
