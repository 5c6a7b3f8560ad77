// Plotly: the JSON figure bundle, the library inlined once per page with AMD define hidden,
// script-safe embedding, the standalone page.
import { describe, expect, it } from 'vitest';
import { figureJson, plotly, PLOTLY_MIME, PlotlyEmbedder, plotlyFigureHtml, plotlyLibraryScript, plotlyPage, plotlySource } from '../../src/display/plotly.js';
import { format } from '../../src/display/format.js';

const count = (s: string, sub: string): number => s.split(sub).length - 1;
const LIB_MARK = '* plotly.js v';
const fig = { data: [{ type: 'scatter', x: new Float32Array([1, 2]), y: [3, NaN] }], layout: { title: { text: 'T' } } };

describe('plotly', () => {
  it('reads the plotly.js source from the package', () => {
    const src = plotlySource();
    expect(src.length).toBeGreaterThan(1_000_000);
    expect(count(src, LIB_MARK)).toBe(1);
  });
  it('bundles a valid JSON figure with html and text', () => {
    const e = new PlotlyEmbedder();
    const b = e.bundle(fig);
    const j = b[PLOTLY_MIME] as { data: unknown[]; layout: unknown; config: unknown };
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
    expect(j).toEqual({ data: [{ type: 'scatter', x: [1, 2], y: [3, null] }], layout: { title: { text: 'T' } }, config: { responsive: true } });
    expect(b['text/plain']).toBe('<Plotly figure: 1 trace>');
  });
  it('the first figure carries the library once, later ones do not, reset starts over', () => {
    const e = new PlotlyEmbedder();
    const first = e.bundle(fig)['text/html'] as string;
    const second = e.bundle(fig)['text/html'] as string;
    expect(count(first, LIB_MARK)).toBe(1);
    expect(count(second, LIB_MARK)).toBe(0);
    expect(second).toContain('window.Plotly.newPlot');
    expect(count(e.bundle(fig, { includeLibrary: true })['text/html'] as string, LIB_MARK)).toBe(1);
    e.reset();
    expect(count(e.bundle(fig)['text/html'] as string, LIB_MARK)).toBe(1);
  });
  it('the library script is guarded and hides AMD define while it runs', () => {
    const s = plotlyLibraryScript();
    expect(s).toContain('if (!window.Plotly)');
    expect(s).toContain('var savedDefine = window.define; window.define = undefined;');
    expect(s).toContain('(function (define, module, exports) {');
    expect(s).toContain('finally { window.define = savedDefine; }');
    expect(s.slice('<script'.length, -'</script>'.length)).not.toMatch(/<\/script/i);
  });
  it('embeds figure data safely inside <script>', () => {
    const h = plotlyFigureHtml({ data: [], layout: { title: '</script><script>alert(1)</script>\u2028' } }, { id: 'p1' });
    expect(h).not.toContain('</script><script>alert');
    expect(h).toContain('\\u003c/script>');
    expect(h).toContain('\\u2028');
    expect(h).toContain('<div id="p1" class="bwvm-plotly" style="width:100%;height:450px">');
    expect(plotlyFigureHtml({ data: [], layout: { height: 300 } })).toContain('height:300px');
  });
  it('plotly() values build their bundle once, through an embedder', () => {
    const e = new PlotlyEmbedder();
    const v = plotly(fig, { embedder: e });
    const a = format(v).data['text/html'] as string;
    const b = format(v).data['text/html'] as string;
    expect(a === b).toBe(true); // same div id: built once
    expect(count(a, LIB_MARK)).toBe(1);
    expect(e.libraryShipped).toBe(true);
    expect(v.figure).toBe(fig);
  });
  it('a standalone page holds the library once and every figure', () => {
    const page = plotlyPage([fig, { data: [{ y: [1] }] }], 'Study <1>');
    expect(count(page, LIB_MARK)).toBe(1);
    expect(count(page, 'class="bwvm-plotly"')).toBe(2);
    expect(page).toContain('<title>Study &lt;1></title>');
    expect(figureJson({ data: [] }).layout).toEqual({});
  });
});
