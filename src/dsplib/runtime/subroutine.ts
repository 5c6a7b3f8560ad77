// A dsplib kernel as a relocatable subroutine: its assembly is rewritten so that every address
// register set from a tensor symbol (`u0 = x+35`) reads the tensor address from the argument
// block instead (`u0 = [w14+k]`, `u0 += 35`), `halt` becomes `ret`, code labels and private data
// symbols (constants, zero-bordered scratch) get a unique prefix. The linker places the result.
import { assemble } from '../../isa/index.js';
import type { TargetDesc } from '../../target/index.js';
import { BwvmError } from '../../util/errors.js';
import type { DspKernel } from '../kernel.js';
import { ARG_REG, type ArgSlot, argLayout } from './abi.js';

/** Kernel-private data (constants, scratch): copied once per subroutine, never shared. */
export interface PrivateData {
  /** Renamed symbol used by the rewritten code. */
  symbol: string;
  /** Offset of the symbol in the subroutine's private area, and its words. */
  offset: number;
  words: number;
}

export interface Subroutine {
  /** Code label the caller calls. */
  entry: string;
  kernel: DspKernel;
  args: ArgSlot[];
  /** Code lines (labels included), ending in `ret`. */
  code: string[];
  privates: PrivateData[];
  /** Words of the private area and its initial image (zeros where the kernel reserved space). */
  privateWords: number;
  image: Uint32Array;
}

const SET = /^([uvw])(\d+)\s*=\s*([A-Za-z_]\w*)\s*(?:\+\s*(\d+))?$/;
const DATA_DEF = /^([A-Za-z_]\w*):\s*\.(space|float|word)\s*(.*)$/;

/** Split kernel source into data definitions and code lines (continuations joined). */
function splitSource(asm: string): { data: Array<{ name: string; words: number }>; code: string[] } {
  const data: Array<{ name: string; words: number }> = [];
  const code: string[] = [];
  let section: 'text' | 'data' = 'text';
  let pending = '';
  for (const raw of asm.split('\n')) {
    const line = raw.replace(/(\/\/|;).*$/, '').trim();
    if (!line) continue;
    if (line === '.text') { section = 'text'; continue; }
    if (line === '.data' || line === '.ddr') { section = 'data'; continue; }
    if (section === 'data') {
      const m = DATA_DEF.exec(line);
      if (m) data.push({ name: m[1]!, words: m[2] === 'space' ? Math.max(1, Number(m[3])) : m[3]!.split(',').length });
      // a label on its own line owns the unlabelled directives after it (exp constants: `kconst:` then `.float` lines)
      const label = /^([A-Za-z_]\w*):$/.exec(line), more = /^\.(space|float|word)\s+(.*)$/.exec(line);
      if (label) data.push({ name: label[1]!, words: 0 });
      else if (more && data.length) data[data.length - 1]!.words += more[1] === 'space' ? Math.max(1, Number(more[2])) : more[2]!.split(',').length;
      continue;
    }
    if (/^\.(entry|global|region|endregion|code_align)\b/.test(line)) continue;
    const full = pending ? `${pending} ${line}` : line;
    if (full.endsWith('||')) { pending = full; continue; }
    pending = '';
    code.push(full);
  }
  return { data, code };
}

/**
 * Turn a generated kernel into a subroutine (entry label `fn_<name>`). Throws DSPLIB_RUNTIME when the kernel
 * uses the argument register or jumps outside itself in a way the rewrite cannot relocate.
 */
export function toSubroutine(k: DspKernel, name: string, t: TargetDesc): Subroutine {
  const prefix = `fn_${name.replace(/\W/g, '_')}`;
  const prog = assemble(k.asm, { limits: t }); // the kernel must be valid on its own
  const { data, code } = splitSource(k.asm);
  const args = argLayout(k);
  const argOf = new Map(args.map((a) => [a.symbol, a]));
  if (new RegExp(`\\b${ARG_REG}\\b`).test(code.join('\n'))) {
    throw new BwvmError('DSPLIB_RUNTIME', `${k.name}: the kernel uses ${ARG_REG}, the argument-block register of the calling convention`,
      { hint: `keep ${ARG_REG} free in the generator (src/dsplib/runtime/abi.ts)` });
  }
  for (const a of args) {
    if (!prog.symbols[a.symbol]) throw new BwvmError('DSPLIB_RUNTIME', `${k.name}: tensor '${a.symbol}' has no data symbol in the kernel`);
  }
  // private data: every non-argument data symbol, packed (8-word aligned) in one private area
  const priv = data.filter((d) => !argOf.has(d.name));
  let at = 0;
  const privates = priv.map((d) => {
    const p = { symbol: `${prefix}_${d.name}`, offset: at, words: d.words, orig: d.name, from: prog.symbols[d.name]!.addr };
    at += Math.ceil(d.words / 8) * 8;
    return p;
  });
  const privateWords = at;
  const image = new Uint32Array(privateWords);
  for (const sec of prog.data) {
    if (sec.space !== 'chip') continue;
    for (const p of privates) {
      const lo = Math.max(p.from, sec.base), hi = Math.min(p.from + p.words, sec.base + sec.words.length);
      for (let a = lo; a < hi; a++) image[p.offset + a - p.from] = sec.words[a - sec.base]!;
    }
  }
  const rename = new Map<string, string>(privates.map((p) => [p.orig, p.symbol]));
  const labels = code.filter((l) => /^[A-Za-z_.]\w*:$/.test(l)).map((l) => l.slice(0, -1));
  for (const l of labels) rename.set(l, `${prefix}_${l.replace(/^\./, '')}`);
  const renameRe = rename.size ? new RegExp(`\\b(${[...rename.keys()].map((s) => s.replace('.', '\\.')).join('|')})\\b`, 'g') : undefined;
  const sub = (s: string): string => (renameRe ? s.replace(renameRe, (m) => rename.get(m) ?? m) : s);
  const out: string[] = [`${prefix}:`];
  for (const line of code) {
    if (/^[A-Za-z_.]\w*:$/.test(line)) { out.push(sub(line)); continue; }
    const slots = line.split('||').map((s) => s.trim()).filter(Boolean);
    const keep: string[] = [];
    const loads: string[] = [];
    for (const s of slots) {
      const m = SET.exec(s);
      const arg = m ? argOf.get(m[3]!) : undefined;
      if (m && arg) {
        loads.push(`${m[1]}${m[2]} = [${ARG_REG}+${arg.index}]`);
        if (m[4] && Number(m[4]) !== 0) loads.push(`${m[1]}${m[2]} += ${m[4]}`);
      } else keep.push(s === 'halt' ? 'ret' : sub(s));
    }
    const hasCtl = keep.some((s) => /^(loop|b |if |call|ret|halt)/.test(s));
    const rest = keep.length ? [keep.join(' || ')] : [];
    // argument loads after the line's other slots (they read the old registers), unless it branches
    out.push(...(hasCtl ? [...loads, ...rest] : [...rest, ...loads]));
  }
  return { entry: prefix, kernel: k, args, code: out, privates: privates.map(({ orig: _o, from: _f, ...p }) => p), privateWords, image };
}
