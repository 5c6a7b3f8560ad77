// %time CODE / %%time: run TypeScript once, print CPU (user, sys) and wall time. The timing is
// stored (session.results.time); the code's value is shown as the cell result.
import { MIME, type MimeBundle } from '../../display/index.js';
import { BwvmError } from '../../util/errors.js';
import { MagicOutput, type MagicFamily } from '../types.js';
import { formatSeconds } from './timefmt.js';

export interface TimeResult {
  wallSeconds: number;
  userSeconds: number;
  sysSeconds: number;
  /** The value of the timed code (undefined when it ended with a statement). */
  value: unknown;
}

export function timeReport(t: TimeResult): string {
  return `CPU times: user ${formatSeconds(t.userSeconds)}, sys ${formatSeconds(t.sysSeconds)}, total ${formatSeconds(t.userSeconds + t.sysSeconds)}\n` +
    `Wall time: ${formatSeconds(t.wallSeconds)}`;
}

export const timeFamily: MagicFamily = {
  name: 'core.time',
  magics: [{
    name: 'time',
    kind: 'both',
    summary: 'time one run of TypeScript code (CPU and wall time)',
    usage: '%time CODE    or a cell starting with %%time',
    flags: [],
    positionals: [{ name: 'code', help: 'TypeScript to run (line form)', optional: true, rest: true }],
    tsBody: true,
    details: 'Examples:\n  %time fib(25)\n  %%time\n  await model.train()',
    async run(args, ctx) {
      const cell = args.body !== undefined;
      const code = cell ? args.body! : args.pos('code') ?? '';
      if (code.trim() === '') throw new BwvmError('time-no-code', '%time needs code to run', { hint: 'e.g. %time fib(25), or a cell starting with %%time' });
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await ctx.repl.evaluate(code, { lineOffset: cell ? ctx.line + 1 : ctx.line, signal: ctx.signal });
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const result: TimeResult = { wallSeconds: wall, userSeconds: cpu.user / 1e6, sysSeconds: cpu.system / 1e6, value: r.hasValue ? r.value : undefined };
      const report = timeReport(result);
      ctx.stdout(report + '\n');
      Object.defineProperty(result, MIME, { value: (): MimeBundle => ({ 'text/plain': report }), enumerable: false });
      return new MagicOutput(result, result.value);
    },
  }],
};
