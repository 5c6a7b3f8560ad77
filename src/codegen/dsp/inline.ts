// Generated mode's inliner: a dsplib kernel's assembly becomes a straight piece of one Program.
// Every address register set from a tensor symbol (`u0 = x+35`) gets the tensor's planned address
// as an immediate (`u0 = 1059`, same line, no argument loads), `halt` is dropped (the next layer
// follows), code labels (renumbered) and kernel-private data (constants, scratch) get a per-layer prefix.
import type { DspKernel } from '../../dsplib/index.js';
import { assemble } from '../../isa/index.js';
import type { TargetDesc } from '../../target/index.js';
import { BwvmError } from '../../util/errors.js';

const SET = /^([uvw])(\d+)\s*=\s*([A-Za-z_]\w*)\s*(?:\+\s*(\d+))?$/;
const DATA_DEF = /^([A-Za-z_]\w*):\s*\.(space|float|word)\s*(.*)$/;
const LABEL = /^[A-Za-z_.]\w*:$/;

/** A kernel-private data definition, renamed, to be placed by the caller with its initial words. */
export interface PrivateDef { symbol: string; words: number; init: Uint32Array }

export interface Inlined {
  /** Code lines (labels included), no halt. */
  code: string[];
  privates: PrivateDef[];
}

/** Split kernel source into data definitions and code lines (continuations joined). */
export function parseKernel(asm: string): { data: Array<{ name: string; words: number; body: string }>; code: string[] } {
  const data: Array<{ name: string; words: number; body: string }> = [];
  const code: string[] = [];
  let section: 'text' | 'data' = 'text', pending = '';
  let open: { name: string; words: number; body: string } | undefined;
  for (const raw of asm.split('\n')) {
    const line = raw.replace(/(\/\/|;).*$/, '').trim();
    if (!line) continue;
    if (line === '.text') { section = 'text'; continue; }
    if (line === '.data' || line === '.ddr') { section = 'data'; continue; }
    if (section === 'data') {
      const m = DATA_DEF.exec(line);
      const words = (kind: string, rest: string): number => (kind === 'space' ? Math.max(1, Number(rest)) : rest.split(',').length);
      if (m) { data.push({ name: m[1]!, words: words(m[2]!, m[3]!), body: `.${m[2]} ${m[3]}` }); open = undefined; continue; }
      // a bare `name:` line owns the directives that follow it (until the next label or .org)
      const bare = /^([A-Za-z_]\w*):$/.exec(line);
      if (bare) { open = { name: bare[1]!, words: 0, body: '' }; data.push(open); continue; }
      const d = /^\.(space|float|word)\s*(.*)$/.exec(line);
      if (d && open) open.words += words(d[1]!, d[2]!);
      else open = undefined;
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

/** Parsed and assembled kernels (a kernel is inlined once per tile, band and build). */
const parsedCache = new WeakMap<DspKernel, ReturnType<typeof parseKernel> & { prog: ReturnType<typeof assemble> }>();

/** Inline kernel `k` with its tensors at `addrs` (symbol -> on-chip word address); names get `prefix`. */
export function inlineKernel(k: DspKernel, prefix: string, addrs: ReadonlyMap<string, number>, t: TargetDesc): Inlined {
  if (k.inputs.some((x) => x.space === 'ddr') || k.outputs.some((x) => x.space === 'ddr')) {
    throw new BwvmError('CODEGEN_DSP_DDR', `${k.name}: DDR-resident tensors are not inlined by generated mode`, { hint: 'use library mode (weights in DDR) for networks larger than on-chip memory' });
  }
  for (const t of [...k.inputs, ...k.outputs]) {
    if (!addrs.has(t.symbol)) throw new BwvmError('CODEGEN_DSP_BIND', `${k.name}: tensor '${t.symbol}' has no address`);
  }
  let parsed = parsedCache.get(k);
  if (!parsed) { parsed = { ...parseKernel(k.asm), prog: assemble(k.asm, { limits: t }) }; parsedCache.set(k, parsed); } // the kernel must be valid on its own; its image seeds private data
  const { data, code, prog } = parsed;
  const rename = new Map<string, string>();
  const privates: PrivateDef[] = [];
  for (const d of data) {
    if (addrs.has(d.name)) continue;
    const symbol = `${prefix}_${d.name}`;
    rename.set(d.name, symbol);
    const from = prog.symbols[d.name]!.addr, init = new Uint32Array(d.words);
    for (const sec of prog.data) {
      if (sec.space !== 'chip') continue;
      const lo = Math.max(from, sec.base), hi = Math.min(from + d.words, sec.base + sec.words.length);
      for (let a = lo; a < hi; a++) init[a - from] = sec.words[a - sec.base]!;
    }
    privates.push({ symbol, words: d.words, init });
  }
  // labels renumbered by position (generator label counters are global: this keeps the output deterministic)
  let nl = 0;
  for (const l of code) if (LABEL.test(l)) rename.set(l.slice(0, -1), `${prefix}_L${nl++}`);
  const re = rename.size ? new RegExp(`(?<![\\w.])(${[...rename.keys()].map((s) => s.replace('.', '\\.')).join('|')})\\b`, 'g') : undefined;
  const sub = (s: string): string => (re ? s.replace(re, (m) => rename.get(m) ?? m) : s);
  const out: string[] = [];
  for (const line of code) {
    if (LABEL.test(line)) { out.push(sub(line)); continue; }
    const slots = line.split('||').map((s) => s.trim()).filter(Boolean).flatMap((s) => {
      if (s === 'halt') return [];
      const m = SET.exec(s);
      const at = m ? addrs.get(m[3]!) : undefined;
      return m && at !== undefined ? [`${m[1]}${m[2]} = ${at + Number(m[4] ?? 0)}`] : [sub(s)];
    });
    if (slots.length) out.push(slots.join(' || '));
  }
  return { code: out, privates };
}
