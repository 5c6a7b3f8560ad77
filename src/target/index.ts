// Target registry: the presets table, lookup by name, and loading user targets from JSON.
import { BwvmError } from '../util/errors.js';
import { BWDSP100 } from './presets/bwdsp100.js';
import { BWDSP104X } from './presets/bwdsp104x.js';
import type { TargetDesc } from './types.js';
import { targetFromJson } from './validate.js';

export * from './types.js';
export { validateTarget } from './validate.js';

/** The presets (a table: add a target = one file in presets/ + one row here). */
export const TARGETS: Record<string, TargetDesc> = {
  bwdsp104x: BWDSP104X,
  bwdsp100: BWDSP100,
};

export const DEFAULT_TARGET = 'bwdsp104x';

/** A preset by name (default bwdsp104x). Throws TARGET_UNKNOWN naming the known ones. */
export function getTarget(name: string = DEFAULT_TARGET): TargetDesc {
  const t = TARGETS[name];
  if (!t) {
    throw new BwvmError('TARGET_UNKNOWN', `unknown target '${name}'`,
      { hint: `use one of ${Object.keys(TARGETS).join(', ')} or a JSON file describing your own target` });
  }
  return t;
}

/** A user target from JSON text or an object; may start from a preset via "base". */
export function loadTarget(json: string | object, source?: string): TargetDesc {
  return targetFromJson(json, TARGETS, source);
}

/** A preset name, or a path to a JSON target file. */
export async function resolveTarget(nameOrPath: string): Promise<TargetDesc> {
  if (TARGETS[nameOrPath]) return TARGETS[nameOrPath]!;
  if (!nameOrPath.endsWith('.json')) return getTarget(nameOrPath);
  const fs = await import('node:fs/promises');
  let text: string;
  try { text = await fs.readFile(nameOrPath, 'utf8'); } catch {
    throw new BwvmError('TARGET_UNKNOWN', `cannot read target file '${nameOrPath}'`, { hint: 'check the path' });
  }
  return loadTarget(text, nameOrPath);
}
