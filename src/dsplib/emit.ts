// Assembly skeleton for dsplib kernels: on-chip data placement (each tensor at a memory-block
// boundary when it fits, so streams over different tensors never share a bank), address register
// setup, and loop nests of zero-overhead loops with the address corrections between levels.
import { chipWords, type TargetDesc } from '../target/index.js';
import { BwvmError } from '../util/errors.js';
import type { Stream } from './schedule.js';

export interface Tensor { name: string; words: number }
export interface Placed extends Tensor { addr: number }

/** Place tensors in order, each starting at a fresh block when possible. Throws DSPLIB_NO_MEMORY. */
export function placeTensors(tensors: Tensor[], t: TargetDesc, what: string): Placed[] {
  const bw = t.memory.blockWords, total = chipWords(t);
  const need = tensors.reduce((a, x) => a + x.words, 0);
  let at = 0;
  const out: Placed[] = [];
  for (const x of tensors) {
    const nextBlock = Math.ceil(at / bw) * bw;
    const fitsBlock = x.words <= bw;
    const remainingBlocks = Math.floor((total - nextBlock) / bw);
    at = fitsBlock && remainingBlocks > 0 && nextBlock + x.words <= total ? nextBlock : at;
    out.push({ ...x, addr: at });
    at += x.words;
  }
  if (at > total) {
    throw new BwvmError('DSPLIB_NO_MEMORY', `${what} needs ${need} words of on-chip data (${out.map((x) => `${x.name} ${x.words}`).join(', ')}); ${t.name} has ${total}`,
      { hint: 'tile the layer (fewer channels or rows per call) or use a smaller shape' });
  }
  return out;
}

export function dataSection(placed: Placed[]): string[] {
  const out = ['.data'];
  for (const p of placed) out.push(`.org ${p.addr}`, `${p.name}: .space ${Math.max(1, p.words)}`);
  return out;
}

export const AG = ['u', 'v', 'w'];

/** Lines of address adds/sets, one access per generator per line. */
export function agLines(items: Array<{ ag: number; text: string }>): string[] {
  const per: string[][] = [[], [], []];
  for (const it of items) per[it.ag]!.push(it.text);
  const n = Math.max(...per.map((p) => p.length));
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(per.map((p) => p[i]).filter((x) => x !== undefined).join(' || '));
  return out;
}

export interface NestStream extends Stream {
  /** Address expression of the stream's start at loop indices 0 (e.g. `xs+35`). */
  base: string;
  /** Address step per iteration of each loop level, outermost first. */
  steps: number[];
}

export interface NestBody { head: string[]; mid?: { lines: string[]; count: number }; tail: string[] }

let labelSeq = 0;

/** An address add as pieces that fit the 19-bit signed immediate (none for 0). */
function splitAdd(d: number): number[] {
  const out: number[] = [];
  for (let left = d; left !== 0;) { const x = Math.max(-262143, Math.min(262143, left)); out.push(x); left -= x; }
  return out;
}

/**
 * A loop nest (counts outermost first) around a body whose streams end each iteration one
 * innermost step further; between levels, address adds move every stream to the next start.
 */
export function emitNest(counts: number[], streams: NestStream[], body: NestBody, t: TargetDesc): string[] {
  const id = `L${labelSeq++}`;
  const out: string[] = agLines(streams.map((s) => ({ ag: s.ag, text: `${AG[s.ag]}${s.ar} = ${s.base}` })));
  const inner: string[] = [...body.head];
  if (body.mid && body.mid.count > 0) {
    const lines = body.mid.lines;
    if (lines.length > 500) throw new BwvmError('DSPLIB_CODE_SIZE', `loop body of ${lines.length} lines exceeds the 511-line loop range`, { hint: 'use a smaller shape' });
    inner.push(`loop ${id}m, ${body.mid.count}`, ...lines, `${id}m:`);
  }
  inner.push(...body.tail);
  let code = inner;
  for (let k = counts.length - 1; k >= 0; k--) {
    const wrapped: string[] = [];
    if (counts[k]! > 32767) throw new BwvmError('DSPLIB_SHAPE', `loop count ${counts[k]} exceeds 32767`, { hint: 'use a smaller shape' });
    wrapped.push(`loop ${id}l${k}, ${counts[k]}`, ...code, `${id}l${k}:`);
    if (k > 0) {
      const fix = streams.flatMap((s) => splitAdd(s.steps[k - 1]! - counts[k]! * s.steps[k]!).map((d) => ({ ag: s.ag, text: `${AG[s.ag]}${s.ar} += ${d}` })));
      wrapped.push(...agLines(fix));
    }
    code = wrapped;
  }
  const bodyLines = code.filter((l) => !l.endsWith(':')).length;
  if (bodyLines > 505) throw new BwvmError('DSPLIB_CODE_SIZE', `loop nest of ${bodyLines} lines exceeds the 511-line loop range`, { hint: 'use a smaller shape' });
  void t;
  return [...out, ...code];
}

/** Issue lines the code executes (loop bodies times their counts), ignoring stalls. */
export function staticLines(code: string[]): number {
  const stack: Array<{ label: string; n: number }> = [];
  let mult = 1, total = 0;
  for (const raw of code) {
    const l = raw.trim();
    const m = /^loop (\w+), (\d+)$/.exec(l);
    if (m) { total += mult; stack.push({ label: m[1]!, n: +m[2]! }); mult *= +m[2]!; continue; }
    if (l.endsWith(':')) {
      const top = stack[stack.length - 1];
      if (top && `${top.label}:` === l) { stack.pop(); mult /= top.n; }
      continue;
    }
    if (l && !l.startsWith('.') && !l.startsWith('//')) total += mult;
  }
  return total;
}
