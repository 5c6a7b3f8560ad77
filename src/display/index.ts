// Public surface of the display layer: MIME builders, format(), tables, Plotly, handles, progress,
// and notebooks (nbformat model, standalone HTML reports).
export * from './mime.js';
export * from './format.js';
export * from './table.js';
export * from './plotly.js';
export * from './handle.js';
export * from './progress.js';
export { renderReport, writeHtmlReport, type ReportOptions } from './notebook/html.js';
export { serializeNotebook, writeNotebook, type Notebook, type CodeCell, type Output as NotebookOutput } from './notebook/model.js';
