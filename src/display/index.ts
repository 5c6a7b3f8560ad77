// Public surface of the display layer: MIME builders, format(), tables, Plotly, handles, progress.
export * from './mime.js';
export * from './format.js';
export * from './table.js';
export * from './plotly.js';
export * from './handle.js';
export * from './progress.js';
