// Optimization levels as readable ordered lists of pass names (rows of the PASSES table).
import { BwvmError } from '../util/errors.js';
import { PASSES } from './passes/index.js';
import type { Pass } from './pass.js';

export const PIPELINES: Readonly<Record<string, readonly string[]>> = {
  /** Only analysis: shapes for every value. */
  O0: ['infer-shapes'],
  /** Cleanups that never change the op mix of compute layers. */
  O1: ['infer-shapes', 'fold-constants', 'remove-identity', 'cse', 'dce'],
  /** O1 + layer folding/fusion and layout assignment for the backend. */
  O2: ['infer-shapes', 'fold-constants', 'remove-identity', 'cse', 'dce', 'fold-batchnorm', 'fuse-bias', 'fuse-activation', 'dce', 'infer-shapes', 'layout'],
};

export function pipelineNames(): string[] {
  return Object.keys(PIPELINES);
}

/** Pass rows for a level name ('O2') or a list of pass names; OPT_PASS / OPT_LEVEL on unknown ones. */
export function resolvePipeline(p: string | readonly string[]): Pass[] {
  const names = typeof p === 'string' ? PIPELINES[p.replace(/^-/, '')] : p;
  if (!names) throw new BwvmError('OPT_LEVEL', `unknown optimization level '${String(p)}'`, { hint: `levels: ${pipelineNames().join(', ')}` });
  return names.map((n) => {
    const pass = PASSES.get(n);
    if (!pass) throw new BwvmError('OPT_PASS', `unknown pass '${n}'`, { hint: `passes: ${[...PASSES.keys()].join(', ')}` });
    return pass;
  });
}
