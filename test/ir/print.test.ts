// Text printer and DOT emitter.
import { describe, expect, it } from 'vitest';
import { printGraph } from '../../src/ir/print.js';
import { FUSE_COLORS, toDot } from '../../src/ir/dot.js';
import { inferShapes } from '../../src/ir/infer.js';
import { smallCnn } from './build.js';

describe('printers', () => {
  const g = inferShapes(smallCnn());
  it('text lists nodes with shapes and attributes', () => {
    const t = printGraph(g);
    expect(t).toContain('graph cnn (opset 13) {');
    expect(t).toContain('%c: float32[N,4,8,8] = Conv<pads=[1,1,1,1], kernel_shape=[3,3]>(%x, %cw, %cb)  # conv');
    expect(t).toContain('output %y: float32[N,10]');
  });
  it('DOT has colored nodes and shape-labelled edges', () => {
    const d = toDot(g);
    expect(d.startsWith('digraph "cnn" {')).toBe(true);
    expect(d).toContain(`"n:conv" [label="Conv\\nconv\\nW [4,3,3,3] [4]", shape=box, style="rounded,filled", fillcolor="${FUSE_COLORS.conv}"`);
    expect(d).toContain('"n:conv" -> "n:relu" [label="[N,4,8,8]"];');
    expect(d).toContain('"in:x" -> "n:conv"');
    expect(d).toContain('"n:fc" -> "out:y" [label="[N,10]"];');
    expect(d.trim().endsWith('}')).toBe(true);
  });
});

describe('DOT renders with Graphviz', () => {
  it('every PyTorch fixture and awkward names (quotes, backslashes, colons) lay out', async () => {
    const { instance } = await import('@viz-js/viz');
    const viz = await instance();
    const { importOnnxFile } = await import('../../src/frontend/onnx/import.js');
    const { readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = join(import.meta.dirname, '../../fixtures/onnx');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('_op13.onnx'))) {
      const out = viz.renderString(toDot(importOnnxFile(join(dir, f))), { format: 'svg' });
      expect(out).toContain('<svg');
    }
    const g = inferShapes(smallCnn());
    g.nodes[1]!.name = 'we"ird\\name:1';
    const svgText = viz.renderString(toDot(g, { rankdir: 'LR' }), { format: 'svg' });
    expect(svgText).toContain('we&quot;ird\\name:1');
  });
});
