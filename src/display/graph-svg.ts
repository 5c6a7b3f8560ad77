// Graphviz DOT text -> SVG, with Graphviz compiled to WebAssembly (@viz-js/viz): works offline,
// no system Graphviz needed. The WebAssembly instance is created once, on first use.
import { BwvmError } from '../util/errors.js';

interface VizLike { renderString(dot: string, opts: { format: string }): string }
let viz: Promise<VizLike> | undefined;

async function instance(): Promise<VizLike> {
  viz ??= import('@viz-js/viz').then((m) => m.instance() as Promise<VizLike>);
  return viz;
}

/** Lay out and render DOT as a standalone SVG document string. */
export async function dotToSvg(dot: string): Promise<string> {
  const v = await instance();
  try {
    const out = v.renderString(dot, { format: 'svg' });
    return out.slice(Math.max(0, out.indexOf('<svg')));
  } catch (e) {
    throw new BwvmError('display-dot', `Graphviz could not render the graph: ${(e as Error).message}`, { hint: 'the DOT text is malformed' });
  }
}
