// %results: what the session holds (magic results and store entries); %release: free them.
import { table } from '../../display/index.js';
import { BwvmError } from '../../util/errors.js';
import { tokenize } from '../tokenize.js';
import { MagicOutput, type MagicFamily } from '../types.js';

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}

export const resultsFamily: MagicFamily = {
  name: 'core.results',
  magics: [
    {
      name: 'results',
      kind: 'line',
      summary: 'list what the session holds: magic results (session.results) and stored models, plans, programs',
      usage: '%results',
      flags: [],
      positionals: [],
      run(_args, ctx) {
        const s = ctx.session;
        const rows = [
          ...s.resultNames().map((name) => ({ where: 'session.results', kind: kindOf(s.results[name]), name, last: name === s.lastName ? '*' : '' })),
          ...s.store.kindsInUse().flatMap((kind) => s.store.names({ kind }).map((name) => ({ where: 'session.store', kind, name, last: s.store.current({ kind })?.name === name ? '*' : '' }))),
        ];
        return new MagicOutput(undefined, table(rows, { columns: ['where', 'kind', 'name', 'last'], caption: 'Session contents (* = last / current)' }));
      },
    },
    {
      name: 'release',
      kind: 'line',
      summary: 'free memory: drop named results and store entries (or all results with --all)',
      usage: '%release NAME [NAME...] | %release --all',
      flags: [{ name: 'all', type: 'boolean', help: 'drop every magic result (stored models etc. are kept)' }],
      positionals: [{ name: 'names', help: 'result or store entry names', optional: true, rest: true }],
      run(args, ctx) {
        const s = ctx.session;
        if (args.bool('all')) {
          const n = s.resultNames().length;
          s.clearResults();
          ctx.stdout(`released ${n} result${n === 1 ? '' : 's'}\n`);
          return new MagicOutput(undefined, undefined);
        }
        const names = tokenize(args.pos('names') ?? '').map((t) => t.value);
        if (names.length === 0) throw new BwvmError('release-no-name', '%release needs a NAME or --all', { hint: '%results lists what can be released' });
        const missing = names.filter((n) => !s.release(n));
        if (missing.length) {
          throw new BwvmError('release-unknown', `nothing named ${missing.join(', ')} in this session`, { hint: `held: ${s.resultNames().join(', ') || '(no results)'}; %results lists everything` });
        }
        ctx.stdout(`released ${names.join(', ')}\n`);
        return new MagicOutput(undefined, undefined);
      },
    },
  ],
};
