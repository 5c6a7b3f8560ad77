// DOT -> SVG through Graphviz in WebAssembly; malformed DOT is a clear error.
import { describe, expect, it } from 'vitest';
import { dotToSvg } from '../../src/display/graph-svg.js';

describe('dotToSvg', () => {
  it('renders nodes and edges', async () => {
    const s = await dotToSvg('digraph { conv1 -> relu1 [label="[N,6,28,28]"] }');
    expect(s.startsWith('<svg')).toBe(true);
    expect(s).toContain('conv1');
    expect(s).toContain('[N,6,28,28]');
  });
  it('reports malformed DOT', async () => {
    await expect(dotToSvg('digraph { a -> ')).rejects.toThrow(/Graphviz/);
  });
});
