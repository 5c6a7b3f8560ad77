// %%html, %%markdown, %%svg, %%latex: show the cell body as that MIME type.
import { html, latex, markdown, svg, type MimeValue } from '../../display/index.js';
import { MagicOutput, type MagicFamily, type MagicSpec } from '../types.js';

function bodyMagic(name: string, label: string, build: (s: string) => MimeValue): MagicSpec {
  return {
    name,
    kind: 'cell',
    summary: `show the cell body as ${label}`,
    usage: `%%${name}  (the rest of the cell is the ${label})`,
    flags: [],
    positionals: [],
    run: (args) => new MagicOutput(undefined, build(args.body ?? '')),
  };
}

export const displayFamily: MagicFamily = {
  name: 'core.display',
  magics: [
    bodyMagic('html', 'HTML', html),
    bodyMagic('markdown', 'Markdown', markdown),
    bodyMagic('svg', 'SVG', svg),
    bodyMagic('latex', 'LaTeX', latex),
  ],
};
