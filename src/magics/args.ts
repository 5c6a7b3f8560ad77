// Argument parsing for magics against their declared flags/positionals: `--flag value`,
// `--flag=value`, `-f value`, booleans (`--x`, `--no-x`, `--x=false`), lists (a,b,c), ranges
// (`a:b:step`, inclusive, comma-joinable), `--` to end flags, and a raw "rest of line" positional.
import { BwvmError } from '../util/errors.js';
import { didYouMean } from './suggest.js';
import { nextToken } from './tokenize.js';
import type { FlagSpec, MagicSpec } from './types.js';

/** Parsed arguments of one magic invocation, with typed accessors. */
export class MagicArgs {
  constructor(
    readonly flags: Record<string, unknown>,
    readonly positionals: Record<string, unknown>,
    /** The argument text as written. */
    readonly raw: string,
    /** The cell body for a %%cell magic (undefined for a line magic). */
    readonly body?: string,
    /** Flags the user actually wrote (not defaults). */
    readonly given: ReadonlySet<string> = new Set(),
  ) {}

  has(flag: string): boolean {
    return this.given.has(flag);
  }
  str(name: string): string | undefined {
    const v = this.flags[name] ?? this.positionals[name];
    return v === undefined ? undefined : String(v);
  }
  num(name: string): number | undefined {
    return this.flags[name] as number | undefined;
  }
  bool(name: string): boolean {
    return this.flags[name] === true;
  }
  list(name: string): string[] {
    return (this.flags[name] as string[] | undefined) ?? [];
  }
  range(name: string): number[] {
    return (this.flags[name] as number[] | undefined) ?? [];
  }
  pos(name: string): string | undefined {
    return this.positionals[name] as string | undefined;
  }
}

/** `a:b[:step]` (stop inclusive, float-tolerant) or a number; comma-separated items concatenate. */
export function parseRange(text: string, what = 'range'): number[] {
  const out: number[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const parts = item.split(':').map((s) => s.trim());
    const nums = parts.map(Number);
    if (parts.length > 3 || parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n))) {
      throw new BwvmError('magic-bad-range', `${what}: '${item}' is not a number or a start:stop[:step] range`, { hint: 'e.g. 0:0.9:0.1 or 1,2,4' });
    }
    if (nums.length === 1) {
      out.push(nums[0]!);
      continue;
    }
    const [a, b] = nums as [number, number];
    const step = nums[2] ?? (b >= a ? 1 : -1);
    if (step === 0 || (b - a) * step < 0) {
      throw new BwvmError('magic-bad-range', `${what}: step ${step} never gets from ${a} to ${b}`, { hint: 'use a step with the sign of stop - start' });
    }
    const count = Math.floor((b - a) / step + 1e-9) + 1;
    if (count > 1_000_000) throw new BwvmError('magic-bad-range', `${what}: '${item}' has ${count} values (max 1000000)`);
    const decimals = Math.max(...parts.map((p) => (p.split(/e/i)[0]!.split('.')[1] ?? '').length));
    for (let i = 0; i < count; i++) out.push(Number((a + i * step).toFixed(Math.min(decimals + 2, 15))));
  }
  return out;
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

function convert(spec: MagicSpec, f: FlagSpec, text: string, prev: unknown): unknown {
  const what = `%${spec.name} --${f.name}`;
  switch (f.type) {
    case 'number': {
      const n = Number(text.replace(/_/g, ''));
      if (text.trim() === '' || !Number.isFinite(n)) throw new BwvmError('magic-bad-flag-value', `${what} expects a number, got '${text}'`, { hint: `e.g. --${f.name} 10` });
      return n;
    }
    case 'boolean': {
      const t = text.toLowerCase();
      if (TRUE.has(t)) return true;
      if (FALSE.has(t)) return false;
      throw new BwvmError('magic-bad-flag-value', `${what} expects true or false, got '${text}'`);
    }
    case 'list':
      return [...((prev as string[] | undefined) ?? []), ...text.split(',').map((s) => s.trim()).filter(Boolean)];
    case 'range':
      return [...((prev as number[] | undefined) ?? []), ...parseRange(text, what)];
    default:
      return text;
  }
}

export function flagLabel(f: FlagSpec): string {
  return f.alias ? `-${f.alias}/--${f.name}` : `--${f.name}`;
}

function unknownFlag(spec: MagicSpec, written: string): BwvmError {
  const names = spec.flags.flatMap((f) => [`--${f.name}`, ...(f.alias ? [`-${f.alias}`] : [])]);
  const valid = spec.flags.length ? `valid flags: ${spec.flags.map(flagLabel).join(', ')}` : `%${spec.name} takes no flags`;
  return new BwvmError('magic-unknown-flag', `%${spec.name} has no flag ${written}.${didYouMean(written, names)}`, { hint: `${valid} (see %${spec.name}?)` });
}

const isNegativeNumber = (s: string): boolean => /^-\d|^-\.\d/.test(s);

/** Parse `raw` (the text after the magic name) against `spec`. */
export function parseArgs(spec: MagicSpec, raw: string, body?: string): MagicArgs {
  const flags: Record<string, unknown> = {};
  const positionals: Record<string, unknown> = {};
  const given = new Set<string>();
  for (const f of spec.flags) {
    if (f.default !== undefined) flags[f.name] = f.default;
    else if (f.type === 'boolean') flags[f.name] = false;
  }
  const byName = (n: string): FlagSpec | undefined => spec.flags.find((f) => f.name === n);
  const byAlias = (a: string): FlagSpec | undefined => spec.flags.find((f) => f.alias === a);
  let pos = 0;
  let posIndex = 0;
  let flagsDone = false;
  const fresh = new Set<string>();
  for (let t = nextToken(raw, pos); t; t = nextToken(raw, pos)) {
    pos = t.end;
    const v = t.value;
    if (!flagsDone && !t.quoted && v === '--') {
      flagsDone = true;
      continue;
    }
    if (!flagsDone && !t.quoted && v.startsWith('-') && v.length > 1 && !isNegativeNumber(v)) {
      const long = v.startsWith('--');
      const [head, inline] = v.includes('=') ? [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)] : [v, undefined];
      const key = head.slice(long ? 2 : 1);
      let f = long ? byName(key) : byAlias(key) ?? byName(key);
      let negated = false;
      if (!f && long && key.startsWith('no-')) {
        const g = byName(key.slice(3));
        if (g?.type === 'boolean') [f, negated] = [g, true];
      }
      if (!f) throw unknownFlag(spec, head);
      given.add(f.name);
      const prev = fresh.has(f.name) ? flags[f.name] : undefined;
      fresh.add(f.name);
      if (f.type === 'boolean') {
        flags[f.name] = negated ? false : inline === undefined ? true : convert(spec, f, inline, prev);
        continue;
      }
      let text = inline;
      if (text === undefined) {
        const n = nextToken(raw, pos);
        if (!n || (!n.quoted && n.value.startsWith('-') && !isNegativeNumber(n.value) && n.value.length > 1)) {
          throw new BwvmError('magic-missing-flag-value', `%${spec.name} ${head} needs a value (${f.type})`, { hint: `e.g. ${head} ${f.type === 'number' ? '10' : f.type === 'range' ? '0:1:0.1' : 'VALUE'}` });
        }
        pos = n.end;
        text = n.value;
      }
      flags[f.name] = convert(spec, f, text, prev);
      continue;
    }
    const p = spec.positionals[posIndex];
    if (!p) {
      throw new BwvmError('magic-extra-argument', `%${spec.name}: unexpected argument '${v}'`, { hint: `usage: ${spec.usage}` });
    }
    if (p.rest) {
      positionals[p.name] = raw.slice(t.start).trim();
      posIndex++;
      break;
    }
    positionals[p.name] = v;
    posIndex++;
  }
  const missing = spec.positionals.slice(posIndex).find((p) => !p.optional);
  if (missing) {
    throw new BwvmError('magic-missing-argument', `%${spec.name} needs ${missing.name.toUpperCase()} (${missing.help})`, { hint: `usage: ${spec.usage}` });
  }
  return new MagicArgs(flags, positionals, raw, body, given);
}

