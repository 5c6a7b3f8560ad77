// The magic table: every magic family the kernel knows, one row each.
//
// How to add a magic family (e.g. model magics):
//   1. Write ONE file, src/magics/model.ts (or src/magics/<family>/index.ts for a big family),
//      exporting `export const modelFamily: MagicFamily = { name: 'model', magics: [spec, ...] }`.
//      Each spec declares name, kind ('line' | 'cell' | 'both'), summary, usage, flags
//      ({name, alias?, type: 'string'|'number'|'boolean'|'list'|'range', help, default?}),
//      positionals and run(args, ctx). Read flags with args.num('epochs'), args.range('ratios'),
//      args.list('emit'), args.bool('verbose'), args.pos('path'); args.body is the %%cell body.
//      Long work checks ctx.signal (stop within 1 s of an interrupt); show things with
//      ctx.display(value) (rich values: table(), plotly(), html() from src/display), progress with
//      `new ProgressBar(ctx.displayer, total, label)`. Keep domain state in ctx.session.store
//      under a StoreKey. Whatever run() returns is stored as session.results[name] (and shown as
//      the cell result when the magic is last); return new MagicOutput(stored, shown) to differ.
//      Errors a user can fix: throw BwvmError(code, message, {hint}).
//   2. Add ONE row below.
//   3. Add test/magics/<family>.test.ts (the fake Repl in test/magics/support/ runs cells).
import type { MagicFamily } from './types.js';
import { MagicRegistry } from './registry.js';
import { cdFamily } from './core/cd.js';
import { displayFamily } from './core/display.js';
import { envFamily } from './core/env.js';
import { helpFamily } from './core/help.js';
import { lsmagicFamily } from './core/lsmagic.js';
import { resultsFamily } from './core/results.js';
import { timeFamily } from './core/time.js';
import { timeitFamily } from './core/timeit.js';
import { writefileFamily } from './core/writefile.js';
import { reportFamily } from './core/report.js';
import { modelFamily } from './model/index.js';
import { trainFamily } from './train/index.js';
import { compressFamily } from './compress/index.js';
import { dspFamily } from './dsp.js';
import { dspLibFamily } from './dsp-lib.js';
import { optFamily } from './opt.js';
import { quantFamily } from './quant.js';
import { codegenFamily } from './codegen.js';

export const MAGIC_FAMILIES: readonly MagicFamily[] = [
  lsmagicFamily,
  helpFamily,
  timeFamily,
  timeitFamily,
  envFamily,
  cdFamily,
  displayFamily,
  writefileFamily,
  resultsFamily,
  reportFamily,
  modelFamily,
  trainFamily,
  compressFamily,
  dspFamily,
  dspLibFamily,
  optFamily,
  quantFamily,
  codegenFamily,
];

/** A registry holding every family of the table (plus any extra ones, e.g. from tests). */
export function createRegistry(extra: readonly MagicFamily[] = []): MagicRegistry {
  return new MagicRegistry([...MAGIC_FAMILIES, ...extra]);
}
