// Store-only zeroing of runs of words repeated over planes (the borders of generated mode's padded
// hand-off buffers): each run is stored as 4-word quads of a zero register (its last 1-3 words by one
// shorter store), the stores spread over the three address generators and packed by dsplib's
// scheduler (one access per generator per line, bank conflicts), the planes looped.
import { emitNest, OpBuilder, type Op, resolveIncrements, schedule } from '../../dsplib/index.js';
import type { TargetDesc } from '../../target/index.js';
import { inlineKernel } from './inline.js';

export interface ZeroSpec {
  /** Runs [offset, words] of one plane, in address order, disjoint. */
  runs: Array<[number, number]>;
  planes: number;
  /** Plane pitch (words). */
  plane: number;
  /** Word address of plane 0. */
  at: number;
}

/** Longest scheduled loop body (the loop range holds 511 lines). */
const MAX_BODY = 400;

const cache = new Map<string, string[]>();

/** Lines storing zero to every word of `runs` in each plane (registers r0..r2 of every macro are clobbered). */
export function zeroStores(z: ZeroSpec, t: TargetDesc, prefix: string): string[] {
  if (z.planes <= 0 || z.runs.every(([, n]) => n <= 0)) return [];
  const key = JSON.stringify([z.runs, z.planes, z.plane, z.at % 8, t.name]);
  let lines = cache.get(key);
  if (!lines) {
    if (cache.size > 2000) cache.clear();
    lines = build(z, t);
    cache.set(key, lines);
  }
  const words = (z.planes - 1) * z.plane + Math.max(...z.runs.map(([o, n]) => o + n));
  const asm = ['.data', '.org 0', `buf: .space ${words}`, '.text', 'main:', ...lines.map((l) => (l.endsWith(':') ? l : `    ${l}`)), '    halt', ''].join('\n');
  const k = { name: 'zero', description: 'zero', dtype: 'f32' as const, asm, flops: 0, params: {}, inputs: [], outputs: [{ symbol: 'buf', shape: [words], layout: 'W' }] };
  return inlineKernel(k, prefix, new Map([['buf', z.at]]), t).code;
}

/** One store: offset in the plane, words (1..4), address generator. */
interface Store { off: number; n: number; g: number }

/** A run cut into stores: quads from `off` (after a 1-3 word head when `align` asks for quads at align mod 4), then the rest. */
function cut(off: number, n: number, g: number, align?: number): Store[] {
  const out: Store[] = [];
  const head = align === undefined || n <= 4 ? 0 : (((align - off) % 4) + 4) % 4;
  if (head) out.push({ off, n: head, g });
  for (let k = head; k < n; k += 4) out.push({ off: off + k, n: Math.min(4, n - k), g });
  return out;
}

/**
 * The stores of one plane, each on a generator: a short run (the gaps between image rows) is one store or two, its
 * stream steps a row pitch to the next one (often an address add too): short runs alternate over generators u and v,
 * long runs (top and bottom rows) go to w as quads banked like the gaps, so a line can hold a gap and a quad (8 banks).
 */
function assign(z: ZeroSpec): Store[] {
  const short = z.runs.filter(([, n]) => n > 0 && n < 8), long = z.runs.filter(([, n]) => n >= 8);
  if (!short.length || !long.length) { // one kind: stores round-robin over the three generators
    let k = 0;
    return z.runs.flatMap(([off, n]) => cut(off, n, 0)).map((s) => ({ ...s, g: k++ % 3 }));
  }
  const align = short[0]![0] % 4;
  const out = [...short.flatMap(([off, n], k) => cut(off, n, k % 2)), ...long.flatMap(([off, n]) => cut(off, n, 2, align))];
  return out.sort((a, b) => a.off - b.off);
}

function build(z: ZeroSpec, t: TargetDesc): string[] {
  const stores = assign(z);
  // one loop over the planes, or several (consecutive stores halved) when a body exceeds the loop range
  const out: string[] = ['xyzt r0 = 0 || xyzt r1 = 0 || xyzt r2 = 0'];
  const emit = (part: Store[]): void => {
    const code = nest(part, z, t, z.at % 8);
    if (code) { out.push(...code); return; }
    const h = Math.ceil(part.length / 2);
    emit(part.slice(0, h)); emit(part.slice(h));
  };
  emit(stores);
  return out;
}

/** A loop over the planes storing `stores` of each (undefined: body too long), one stream per generator. */
function nest(stores: Store[], z: ZeroSpec, t: TargetDesc, bank0: number): string[] | undefined {
  const lanes: Store[][] = [0, 1, 2].map((g) => stores.filter((s) => s.g === g));
  const used = lanes.map((l, g) => ({ l, g })).filter((x) => x.l.length > 0);
  const b = new OpBuilder(t);
  const ops: Op[] = [];
  // v starts one address add behind u: their gap stores (each followed by an add) alternate, a quad of w beside each
  const firsts = used.map(({ l, g }) => l[0]!.off - (g === 1 && stores.some((s) => s.g === 2) && l[0]!.off >= 32 ? 32 : 0));
  const ids = used.map(({ g }, k) => b.stream(g, bank0, firsts[k]!));
  let prio = 0;
  // program order: by address (priority), each generator's stores with its own zero register r{g}
  const order = used.flatMap(({ l, g }, k) => l.map((s) => ({ s, g, k }))).sort((a, c) => a.s.off - c.s.off);
  for (const { s, g, k } of order) {
    const first = firsts[k]!;
    ops.push(b.storeOp(ids[k]!, s.off - first, s.n === 4 ? 'xyzt' : 'xyzt'.slice(0, s.n), s.n === 1 ? 0 : 1, { p: g }, prio++));
  }
  const [body] = resolveIncrements([ops], ids.length, ids.map(() => z.plane));
  const lines = schedule(body!, b.streams, [], t);
  if (lines.length > MAX_BODY) return undefined;
  return emitNest([z.planes], used.map((_, k) => ({ ...b.streams[ids[k]!]!, base: `buf+${firsts[k]!}`, steps: [z.plane] })), { head: lines, tail: [] }, t);
}
