// The plotly.js source the HTML report inlines (from the installed plotly.js-dist-min package),
// read once and cached.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let cached: string | null = null;

export function plotlySource(): string {
  if (cached === null) {
    const require = createRequire(import.meta.url);
    cached = readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8');
  }
  return cached;
}
