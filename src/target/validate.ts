// Validation of user target descriptions (JSON): every field checked, errors name the field and
// the fix. A JSON target may start from a preset with "base": "bwdsp104x" and override fields.
import { LATENCY_CLASSES, MAX_MACROS, MAX_REGS, AG_COUNT, AG_REGS, UNIT_CLASSES } from '../isa/index.js';
import { BwvmError } from '../util/errors.js';
import type { TargetDesc } from './types.js';

type Check = [path: string, kind: 'int' | 'num' | 'str' | 'bool' | 'enum', min?: number, max?: number, values?: string[]];

const CHECKS: Check[] = [
  ['name', 'str'], ['description', 'str'], ['clockHz', 'num', 1],
  ['macros', 'int', 1, MAX_MACROS], ['regsPerMacro', 'int', 8, MAX_REGS], ['issueWidth', 'int', 1, 64],
  ...UNIT_CLASSES.map((u): Check => [`units.${u}`, 'int', 0, 16]),
  ['fpAddUnit', 'enum', 0, 0, ['ALU', 'MUL']], ['macUsesAlu', 'bool'],
  ['agu.count', 'int', 1, AG_COUNT], ['agu.regs', 'int', 1, AG_REGS], ['agu.portsPerLine', 'int', 1, 16],
  ['loopDepth', 'int', 1, 64],
  ...LATENCY_CLASSES.map((l): Check => [`latency.${l}`, 'int', 0, 1000]),
  ['branchPenalty', 'int', 0, 1000],
  ['memory.blocks', 'int', 1, 64], ['memory.banksPerBlock', 'int', 1, 64], ['memory.blockWords', 'int', 1, 2 ** 24],
  ['memory.wideAccessAlign', 'bool'],
  ['dma.channels', 'int', 1, 4], ['dma.bytesPerCycle', 'num', 0.001], ['dma.latency', 'int', 0, 1e6],
  ['ddr.words', 'int', 1, 2 ** 31],
];

function get(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!over || typeof over !== 'object' || Array.isArray(over)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out;
}

/** Check a candidate target (already merged with its base, if any). Throws TARGET_INVALID. */
export function validateTarget(obj: unknown, source = 'target'): TargetDesc {
  if (!obj || typeof obj !== 'object') throw new BwvmError('TARGET_INVALID', `${source}: a target must be a JSON object`);
  const problems: string[] = [];
  for (const [path, kind, min, max, values] of CHECKS) {
    const v = get(obj, path);
    const want = kind === 'enum' ? `one of ${values!.join(', ')}` : kind === 'bool' ? 'true or false' : kind === 'str' ? 'a string'
      : `${kind === 'int' ? 'an integer' : 'a number'}${min !== undefined ? ` >= ${min}` : ''}${max !== undefined ? ` and <= ${max}` : ''}`;
    let ok: boolean;
    if (kind === 'str') ok = typeof v === 'string' && v.length > 0;
    else if (kind === 'bool') ok = typeof v === 'boolean';
    else if (kind === 'enum') ok = typeof v === 'string' && values!.includes(v);
    else ok = typeof v === 'number' && Number.isFinite(v) && (kind !== 'int' || Number.isInteger(v))
      && (min === undefined || v >= min) && (max === undefined || v <= max);
    if (!ok) problems.push(`field '${path}' is ${v === undefined ? 'missing' : JSON.stringify(v)}: set it to ${want}`);
  }
  const t = obj as TargetDesc;
  if (problems.length === 0 && t.units.MUL < 1) problems.push("field 'units.MUL' is 0: a target needs at least one multiplier");
  if (problems.length) {
    throw new BwvmError('TARGET_INVALID', `${source}: ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`,
      { hint: 'start from a preset with "base": "bwdsp104x" and override only the fields you change', details: { problems } });
  }
  return t;
}

/** Parse and validate a JSON target (text or object), resolving "base" against `presets`. */
export function targetFromJson(json: string | object, presets: Record<string, TargetDesc>, source = 'target JSON'): TargetDesc {
  let obj: unknown = json;
  if (typeof json === 'string') {
    try { obj = JSON.parse(json); } catch (e) {
      throw new BwvmError('TARGET_INVALID', `${source}: not valid JSON (${(e as Error).message})`, { hint: 'check commas and quotes' });
    }
  }
  if (obj && typeof obj === 'object' && 'base' in obj) {
    const { base, ...rest } = obj as Record<string, unknown>;
    const p = typeof base === 'string' ? presets[base] : undefined;
    if (!p) {
      throw new BwvmError('TARGET_INVALID', `${source}: field 'base' is ${JSON.stringify(base)}: set it to one of ${Object.keys(presets).join(', ')}`);
    }
    obj = deepMerge(structuredClone(p), rest);
  }
  return validateTarget(obj, source);
}
