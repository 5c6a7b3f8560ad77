// Pipelines: every level names only rows of the PASSES table, O2 uses every pass, levels and
// pass lists resolve (with '-O1' accepted), unknown ones fail with a hint.
import { describe, expect, it } from 'vitest';
import { PIPELINES, resolvePipeline } from '../../src/opt/pipelines.js';
import { PASSES } from '../../src/opt/passes/index.js';

describe('pipelines', () => {
  it('every pipeline names only passes of the table, and every pass is used by O2', () => {
    for (const names of Object.values(PIPELINES)) for (const n of names) expect(PASSES.has(n)).toBe(true);
    expect(new Set(PIPELINES.O2)).toEqual(new Set(PASSES.keys()));
    expect(resolvePipeline('-O1').map((p) => p.name)).toEqual(PIPELINES.O1);
    expect(() => resolvePipeline('O9')).toThrow(/unknown optimization level/);
    expect(() => resolvePipeline(['dce', 'nope'])).toThrow(/unknown pass 'nope'/);
  });
});
