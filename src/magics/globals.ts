// The globals every cell sees: display(...) with display.html/markdown/svg/png/jpeg/json/latex/
// table/plotly/text, clear_output, input/prompt (stdin), session, progress, and `mime` (the same
// builders returning values instead of showing them). Plus their TypeScript declarations.
import {
  html, jpeg, json, latex, markdown, MIME, plotly as plotlyValue, png, ProgressBar, svg, table, text,
  type DisplayHandle, type DisplayOptions, type Displayer, type ImageOptions, type PlotlyEmbedder,
  type PlotlyFigure, type ProgressOptions, type TableData, type TableOptions,
} from '../display/index.js';
import type { Session } from '../session/index.js';

export interface GlobalsHost {
  displayer: Displayer;
  plotly: PlotlyEmbedder;
  session: Session;
  /** Ask the front end for input (throws a clear error when stdin is not allowed). */
  input(prompt: string, password: boolean): Promise<string>;
}

type Rows = readonly Record<string, unknown>[] | TableData;

export function makeCellGlobals(host: GlobalsHost): Record<string, unknown> {
  const d = host.displayer;
  const show = (v: unknown, opts?: DisplayOptions): DisplayHandle => d.display(v, opts);
  const figure = (fig: PlotlyFigure, o: { includeLibrary?: boolean } = {}): unknown => plotlyValue(fig, { ...o, embedder: host.plotly });
  const display = Object.assign(show, {
    text: (s: string, o?: DisplayOptions) => show(text(s), o),
    html: (s: string, o?: DisplayOptions) => show(html(s), o),
    markdown: (s: string, o?: DisplayOptions) => show(markdown(s), o),
    svg: (s: string, o?: DisplayOptions) => show(svg(s), o),
    latex: (s: string, o?: DisplayOptions) => show(latex(s), o),
    json: (v: unknown, o?: DisplayOptions & { expanded?: boolean }) => show(json(v, o), o),
    png: (data: string | Uint8Array, o?: DisplayOptions & ImageOptions) => show(png(data, o), o),
    jpeg: (data: string | Uint8Array, o?: DisplayOptions & ImageOptions) => show(jpeg(data, o), o),
    table: (rows: Rows, o?: DisplayOptions & TableOptions) => show(table(rows, o), o),
    plotly: (fig: PlotlyFigure, o?: DisplayOptions & { includeLibrary?: boolean }) => show(figure(fig, o), o),
  });
  const mime = { text, html, markdown, svg, latex, json, png, jpeg, table, plotly: figure, MIME };
  const ask = (prompt = '', password = false): Promise<string> => host.input(String(prompt), password);
  return {
    display,
    mime,
    clear_output: (wait = false) => d.clear(wait),
    input: ask,
    prompt: ask,
    session: host.session,
    progress: (total: number, label = '', opts?: ProgressOptions) => new ProgressBar(d, total, label, opts),
  };
}

/** Declarations of the cell globals, for Repls that accept them (completion, type checking). */
export const CELL_GLOBALS_DTS = `
interface BwvmDisplayHandle { readonly id: string; update(value: unknown): void; display(value: unknown): BwvmDisplayHandle; }
interface BwvmDisplayOptions { id?: string; metadata?: Record<string, unknown>; }
interface BwvmImageOptions { width?: number; height?: number; }
interface BwvmTableOptions { caption?: string; maxRows?: number; columns?: string[]; }
type BwvmRows = readonly Record<string, unknown>[] | { columns: string[]; rows: unknown[][] };
interface BwvmPlotlyFigure { data: unknown[]; layout?: Record<string, unknown>; config?: Record<string, unknown>; }
interface BwvmDisplay {
  (value: unknown, opts?: BwvmDisplayOptions): BwvmDisplayHandle;
  text(s: string, opts?: BwvmDisplayOptions): BwvmDisplayHandle;
  html(s: string, opts?: BwvmDisplayOptions): BwvmDisplayHandle;
  markdown(s: string, opts?: BwvmDisplayOptions): BwvmDisplayHandle;
  svg(s: string, opts?: BwvmDisplayOptions): BwvmDisplayHandle;
  latex(s: string, opts?: BwvmDisplayOptions): BwvmDisplayHandle;
  json(v: unknown, opts?: BwvmDisplayOptions & { expanded?: boolean }): BwvmDisplayHandle;
  png(data: string | Uint8Array, opts?: BwvmDisplayOptions & BwvmImageOptions): BwvmDisplayHandle;
  jpeg(data: string | Uint8Array, opts?: BwvmDisplayOptions & BwvmImageOptions): BwvmDisplayHandle;
  table(rows: BwvmRows, opts?: BwvmDisplayOptions & BwvmTableOptions): BwvmDisplayHandle;
  plotly(fig: BwvmPlotlyFigure, opts?: BwvmDisplayOptions & { includeLibrary?: boolean }): BwvmDisplayHandle;
}
interface BwvmRich { [key: symbol]: () => Record<string, unknown>; }
interface BwvmProgress {
  readonly value: number; readonly total: number; readonly rate: number; readonly eta: number;
  update(value: number, message?: string): void; tick(n?: number, message?: string): void;
  done(message?: string): void; fail(message?: string): void;
  wrap<T>(items: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T>;
}
interface BwvmStoreKey<T> { readonly kind: string; }
interface BwvmSession {
  readonly results: Record<string, any>; last: any; lastName: string | undefined; readonly cwd: string;
  readonly store: {
    get<T>(key: BwvmStoreKey<T>, name: string): T | undefined; set<T>(key: BwvmStoreKey<T>, name: string, value: T): T;
    names(key: BwvmStoreKey<unknown>): string[]; current<T>(key: BwvmStoreKey<T>): { name: string; value: T } | undefined;
    delete(key: BwvmStoreKey<unknown>, name: string): boolean; kindsInUse(): string[];
  };
  magic(name: string, args?: string, body?: string): Promise<any>;
  chdir(path: string): string; record(name: string, value: unknown): void;
  release(name: string): boolean; clearResults(): void; resultNames(): string[];
}
declare const display: BwvmDisplay;
declare const mime: {
  text(s: string): BwvmRich; html(s: string): BwvmRich; markdown(s: string): BwvmRich; svg(s: string): BwvmRich;
  latex(s: string): BwvmRich; json(v: unknown): BwvmRich; png(d: string | Uint8Array, o?: BwvmImageOptions): BwvmRich;
  jpeg(d: string | Uint8Array, o?: BwvmImageOptions): BwvmRich; table(rows: BwvmRows, o?: BwvmTableOptions): BwvmRich;
  plotly(fig: BwvmPlotlyFigure, o?: { includeLibrary?: boolean }): BwvmRich; readonly MIME: symbol;
};
declare function clear_output(wait?: boolean): void;
declare function input(prompt?: string, password?: boolean): Promise<string>;
declare function prompt(prompt?: string, password?: boolean): Promise<string>;
declare const session: BwvmSession;
declare function progress(total: number, label?: string, opts?: { minIntervalMs?: number; unit?: string }): BwvmProgress;
`;
