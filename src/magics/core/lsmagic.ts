// %lsmagic: every registered magic grouped by family, as a table (the result lists names for scripts).
import { MIME, table, type MimeBundle } from '../../display/index.js';
import type { MagicFamily } from '../types.js';

export interface MagicListing {
  line: string[];
  cell: string[];
  magics: { name: string; kind: string; family: string; summary: string }[];
}

export const lsmagicFamily: MagicFamily = {
  name: 'core.lsmagic',
  magics: [{
    name: 'lsmagic',
    kind: 'line',
    summary: 'list all magics with a one-line summary',
    usage: '%lsmagic',
    flags: [],
    positionals: [],
    run(_args, ctx) {
      const specs = ctx.registry.list();
      const listing: MagicListing = {
        line: ctx.registry.names('line'),
        cell: ctx.registry.names('cell'),
        magics: specs.map((s) => ({ name: s.name, kind: s.kind, family: ctx.registry.family(s.name) ?? '', summary: s.summary })),
      };
      const rows = listing.magics.map((m) => ({
        magic: m.kind === 'cell' ? `%%${m.name}` : m.kind === 'both' ? `%${m.name}, %%${m.name}` : `%${m.name}`,
        family: m.family,
        summary: m.summary,
      }));
      const view = table(rows, { caption: 'Magics (NAME? or %help NAME for details)' });
      return Object.assign(listing, { [MIME]: (): MimeBundle => view[MIME]() });
    },
  }],
};
