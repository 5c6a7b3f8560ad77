// Plotly figures that render offline: the 'application/vnd.plotly.v1+json' bundle plus text/html
// that draws with plotly.js (from the plotly.js-dist-min package) embedded inline, once per page.
// The library script hides AMD `define` (classic Notebook loads require.js) while it evaluates.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { MIME, type MimeBundle, toJsonSafe } from './mime.js';

export interface PlotlyFigure {
  data: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

let source: string | undefined;

/** The plotly.js (minified) source, read once from node_modules. */
export function plotlySource(): string {
  if (source === undefined) {
    const require = createRequire(import.meta.url);
    source = readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8');
  }
  return source;
}

/** JSON that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * `<script>` defining window.Plotly unless it already exists. AMD `define` (and CommonJS
 * `module`/`exports`) are hidden while the bundle runs, so it always sets window.Plotly.
 */
export function plotlyLibraryScript(): string {
  const src = plotlySource().replace(/<\/script/gi, '<\\/script');
  return [
    '<script type="text/javascript">',
    'if (!window.Plotly) { (function () {',
    '  var savedDefine = window.define; window.define = undefined;',
    '  try { (function (define, module, exports) {',
    src,
    '  }).call(window, undefined, undefined, undefined); }',
    '  finally { window.define = savedDefine; }',
    '})(); }',
    '</script>',
  ].join('\n');
}

/** Clean JSON form of a figure ({data, layout, config}). */
export function figureJson(fig: PlotlyFigure): Required<PlotlyFigure> {
  const f = toJsonSafe(fig) as PlotlyFigure;
  return { data: f.data ?? [], layout: f.layout ?? {}, config: { responsive: true, ...(f.config ?? {}) } };
}

export interface FigureHtmlOptions {
  /** Element id of the plot div (default: random). */
  id?: string;
  /** Inline the plotly.js library before the figure (guarded by window.Plotly). */
  includeLibrary?: boolean;
}

/**
 * The HTML of one figure: a div and a script drawing into it. Without the library it waits
 * (up to ~10 s) for window.Plotly from an earlier output or the page head, then says what to do.
 */
export function plotlyFigureHtml(fig: PlotlyFigure, opts: FigureHtmlOptions = {}): string {
  const f = figureJson(fig);
  const id = opts.id ?? `bwvm-plot-${randomUUID()}`;
  const height = typeof f.layout.height === 'number' ? `${f.layout.height}px` : '450px';
  const draw = [
    '<script type="text/javascript">',
    '(function () {',
    `  var fig = ${scriptJson(f)}; var id = ${scriptJson(id)}; var tries = 0;`,
    '  function draw() {',
    '    var el = document.getElementById(id); if (!el) return;',
    '    if (window.Plotly) { window.Plotly.newPlot(el, fig.data, fig.layout, fig.config); return; }',
    '    if (++tries < 100) { setTimeout(draw, 100); return; }',
    "    el.textContent = 'plotly.js is not loaded on this page: re-run the first cell that draws a figure, or display.plotly(fig, {includeLibrary: true}).';",
    '  }',
    '  draw();',
    '})();',
    '</script>',
  ].join('\n');
  const div = `<div id="${id}" class="bwvm-plotly" style="width:100%;height:${height}"></div>`;
  return [opts.includeLibrary ? plotlyLibraryScript() : '', div, draw].filter(Boolean).join('\n');
}

/** A whole standalone HTML page with one or more figures and the library inlined once. */
export function plotlyPage(figs: PlotlyFigure[], title = 'bwvm figure'): string {
  const esc = title.replace(/</g, '&lt;');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${esc}</title>\n${plotlyLibraryScript()}\n</head><body>\n` +
    figs.map((f) => plotlyFigureHtml(f)).join('\n') + '\n</body></html>\n';
}

/** Remembers whether this page (kernel session) has been sent the library yet. */
export class PlotlyEmbedder {
  private shipped = false;

  get libraryShipped(): boolean {
    return this.shipped;
  }

  /** The figure's bundle; the first one (or includeLibrary) carries plotly.js. */
  bundle(fig: PlotlyFigure, opts: { includeLibrary?: boolean } = {}): MimeBundle {
    const includeLibrary = opts.includeLibrary ?? !this.shipped;
    this.shipped = true;
    const n = fig.data?.length ?? 0;
    return {
      [PLOTLY_MIME]: figureJson(fig),
      'text/html': plotlyFigureHtml(fig, { includeLibrary }),
      'text/plain': `<Plotly figure: ${n} trace${n === 1 ? '' : 's'}>`,
    };
  }

  /** Forget that the library was sent (kernel restart / new page). */
  reset(): void {
    this.shipped = false;
  }
}

/** The process-wide embedder used by plotly() values (the executor resets it on restart). */
export const defaultEmbedder = new PlotlyEmbedder();

/** A displayable figure; its bundle is built when shown, so the first one shown carries the library. */
export function plotly(fig: PlotlyFigure, opts: { includeLibrary?: boolean; embedder?: PlotlyEmbedder } = {}): { [MIME](): MimeBundle; figure: PlotlyFigure } {
  let built: MimeBundle | undefined;
  return {
    figure: fig,
    [MIME]() {
      built ??= (opts.embedder ?? defaultEmbedder).bundle(fig, opts);
      return built;
    },
  };
}

