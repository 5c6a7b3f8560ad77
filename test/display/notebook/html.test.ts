// The HTML report: markdown rendered, outputs by richest MIME type, plotly.js inlined once,
// nothing loaded from the network.
import { describe, expect, it } from 'vitest';
import { renderReport, scriptJson, inlineScript } from '../../../src/display/notebook/html.js';
import { makeNotebook, type CodeCell } from '../../../src/display/notebook/model.js';

function nbWith(outputs: CodeCell['outputs'][]) {
  const nb = makeNotebook([{ type: 'markdown', source: '# Heading\n\nsome *emphasis*' }, ...outputs.map(() => ({ source: 'x < 1' }))]);
  outputs.forEach((o, i) => {
    const c = nb.cells[i + 1] as CodeCell;
    c.outputs = o;
    c.execution_count = i + 1;
  });
  return nb;
}

const fig = { data: [{ type: 'scatter', y: [1, 3, 2] }], layout: { title: { text: '</script><b>t</b>' } } };

describe('renderReport', () => {
  it('renders markdown, code, text, images, json, errors', () => {
    const html = renderReport(nbWith([[
      { output_type: 'stream', name: 'stdout', text: 'a<b>' },
      { output_type: 'display_data', data: { 'text/html': '<table><tr><td>cell</td></tr></table>', 'text/plain': 'no' }, metadata: {} },
      { output_type: 'display_data', data: { 'image/svg+xml': '<svg id="s"></svg>' }, metadata: {} },
      { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=\n' }, metadata: {} },
      { output_type: 'display_data', data: { 'image/jpeg': '/9j/' }, metadata: { 'image/jpeg': { width: 20, height: 10 } } },
      { output_type: 'display_data', data: { 'application/json': { k: [1, 2] } }, metadata: {} },
      { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '42' }, metadata: {} },
      { output_type: 'error', ename: 'E', evalue: 'v', traceback: ['\x1b[31mE\x1b[0m: v'] },
    ]]), { title: 'T' });
    expect(html).toContain('<h1>Heading</h1>');
    expect(html).toContain('<em>emphasis</em>');
    expect(html).toContain('x &lt; 1');
    expect(html).toContain('a&lt;b&gt;');
    expect(html).toContain('<table><tr><td>cell</td></tr></table>');
    expect(html).not.toContain('>no<');
    expect(html).toContain('<svg id="s"></svg>');
    expect(html).toContain('<img alt="" src="data:image/png;base64,iVBORw0KGgo="');
    expect(html).toContain('<img alt="" width="20" height="10" src="data:image/jpeg;base64,/9j/"');
    expect(html).toContain('&quot;k&quot;: [\n    1,');
    expect(html).toContain('Out[1]:');
    expect(html).toContain('E: v');
    expect(html).not.toContain('\x1b');
    expect(html).not.toContain('Plotly.newPlot');
    expect(html).toContain('<title>Heading</title>');
  });

  it('embeds plotly.js once for several figures, with no network script', () => {
    const out = { output_type: 'display_data' as const, data: { 'application/vnd.plotly.v1+json': fig, 'text/html': '<script src="https://cdn.plot.ly/x.js"></script>' }, metadata: {} };
    const html = renderReport(nbWith([[out], [out]]));
    expect(html.split('Plotly.newPlot(').length - 1).toBe(2);
    expect(html.match(/\* plotly\.js v\d/g)?.length).toBe(1);
    const marker = 'Plotly.newPlot';
    expect(html.indexOf(marker)).toBeGreaterThan(0);
    expect((html.match(/<script>/g) ?? []).length).toBe(3);
    expect(html).not.toMatch(/<script[^>]+src=["']?https?:/i);
    expect(html).not.toContain('</script><b>');
  });

  it('makes JSON and JS safe inside <script>', () => {
    expect(scriptJson('</script>')).toBe('"\\u003c/script>"');
    expect(inlineScript('a="</script>";b="<!--"')).toBe('a="<\\/script>";b="<\\!--"');
  });
});
