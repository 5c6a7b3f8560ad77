// Program linker of the DSP runtime: a list of calls (subroutine + tensor addresses) becomes one
// Program: a main sequence `w14 = argblock; call sub` per call then `halt`, each subroutine once,
// argument blocks and private areas placed by the on-chip allocator, named data symbols for the
// host (inputs, outputs), initial data (weights) attached, and one profiler region per subroutine.
import { assemble, type DataSection, type Program } from '../../isa/index.js';
import type { TargetDesc } from '../../target/index.js';
import { BwvmError } from '../../util/errors.js';
import { ARG_REG, argBlockWords } from './abi.js';
import type { ChipAllocator } from './allocator.js';
import type { Subroutine } from './subroutine.js';

export interface CallSite {
  /** Profiler region name (e.g. the layer). Calls sharing a subroutine share its region. */
  region: string;
  sub: Subroutine;
  /** On-chip word address of each argument, in the order of `sub.args`. */
  addrs: number[];
  /** Lines run before the call (e.g. DMA staging of weights kept in DDR: dmaInLines). */
  pre?: string[];
}

export interface LinkInput {
  calls: CallSite[];
  /** Data symbols the host reads and writes (graph inputs and outputs), already allocated. */
  symbols?: Array<{ name: string; addr: number; words: number }>;
  /** Initial contents (weights in kernel layout), on-chip unless space is 'ddr'. */
  data?: Array<{ addr: number; words: Uint32Array; space?: 'chip' | 'ddr' }>;
  /** Allocator for argument blocks and subroutine private areas (they live for the whole program). */
  alloc: ChipAllocator;
  /** Their addresses when already reserved (reserveStatic); allocated here otherwise. */
  placed?: StaticPlacement;
}

export interface Linked {
  program: Program;
  /** Argument-block address of each call. */
  argBlocks: number[];
  /** Region name of each call. */
  regions: string[];
}

/** Addresses of what lives for the whole program: each subroutine's private area, each call's argument block. */
export interface StaticPlacement { privateBase: Map<Subroutine, number>; argBlocks: number[] }

/** Allocate private areas and argument blocks (before activations, so they never share memory). */
export function reserveStatic(alloc: ChipAllocator, calls: ReadonlyArray<Pick<CallSite, 'sub'>>, t: TargetDesc): StaticPlacement {
  const privateBase = new Map<Subroutine, number>();
  for (const c of calls) {
    if (privateBase.has(c.sub) || !c.sub.privateWords) continue;
    privateBase.set(c.sub, alloc.alloc(`${c.sub.entry}.private`, c.sub.privateWords, t.memory.banksPerBlock));
  }
  const argBlocks = calls.map((c, i) => alloc.alloc(`call${i}.args`, argBlockWords(c.sub.kernel), 1));
  return { privateBase, argBlocks };
}

export function linkCalls(inp: LinkInput, t: TargetDesc): Linked {
  const subs: Subroutine[] = [];
  const regionNames = new Map<Subroutine, string[]>();
  for (const c of inp.calls) {
    if (c.addrs.length !== c.sub.args.length) {
      throw new BwvmError('DSPLIB_RUNTIME', `call of ${c.sub.entry}: ${c.addrs.length} addresses for ${c.sub.args.length} arguments (${c.sub.args.map((a) => a.symbol).join(', ')})`);
    }
    if (!regionNames.has(c.sub)) { subs.push(c.sub); regionNames.set(c.sub, []); }
    regionNames.get(c.sub)!.push(c.region);
  }
  const st = inp.placed ?? reserveStatic(inp.alloc, inp.calls, t);
  const dataLines: string[] = ['.data'];
  const sections: DataSection[] = [];
  for (const s of inp.symbols ?? []) dataLines.push(`.org ${s.addr}`, `${s.name}: .space ${Math.max(1, s.words)}`);
  for (const sub of subs) {
    if (!sub.privateWords) continue;
    const base = st.privateBase.get(sub)!;
    for (const p of sub.privates) dataLines.push(`.org ${base + p.offset}`, `${p.symbol}: .space ${p.words}`);
    sections.push({ space: 'chip', base, words: sub.image.slice() });
  }
  const argBlocks = st.argBlocks;
  inp.calls.forEach((c, i) => dataLines.push(`.org ${argBlocks[i]}`, `args${i}: .word ${c.addrs.join(', ')}`));
  dataLines.push(`.org ${inp.alloc.limit}`); // symbol sizes run to the next symbol or here
  const main = ['.text', '.entry main', 'main:'];
  inp.calls.forEach((c, i) => main.push(...(c.pre ?? []).map((l) => `    ${l}`), `    ${ARG_REG} = args${i}`, `    call ${c.sub.entry}`));
  main.push('    halt');
  const code = subs.flatMap((s) => s.code.map((l) => (l.endsWith(':') ? l : `    ${l}`)));
  const program = assemble([...dataLines, ...main, ...code, ''].join('\n'), { limits: t, file: 'library.s' });
  for (const d of inp.data ?? []) sections.push({ space: d.space ?? 'chip', base: d.addr, words: d.words });
  program.data.push(...sections);
  const starts = subs.map((s) => program.symbols[s.entry]!.addr);
  program.regions = [
    { name: '(calls)', start: program.entry, end: starts[0] ?? program.lines.length },
    ...subs.map((s, k) => ({ name: regionNames.get(s)!.join(', '), start: starts[k]!, end: k + 1 < subs.length ? starts[k + 1]! : program.lines.length })),
  ];
  return { program, argBlocks, regions: inp.calls.map((c) => c.region) };
}
