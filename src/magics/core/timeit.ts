// %timeit [-n N] [-r R] CODE / %%timeit [SETUP]: time TypeScript over many loops. The code is
// compiled once into a function (async when it awaits); the loop count is chosen so one run
// takes >= 0.2 s unless -n is given; reports mean ± std (and best) of R runs. Interruptible.
import { MIME, type MimeBundle } from '../../display/index.js';
import { BwvmError } from '../../util/errors.js';
import { KeyboardInterrupt } from '../interrupt.js';
import { MagicOutput, type MagicContext, type MagicFamily } from '../types.js';
import { formatSeconds } from './timefmt.js';

export interface TimeitResult {
  loops: number;
  repeat: number;
  /** Seconds per loop, one entry per run. */
  perLoop: number[];
  best: number;
  worst: number;
  mean: number;
  std: number;
}

export function summarize(perLoop: number[], loops: number): TimeitResult {
  const n = perLoop.length;
  const mean = perLoop.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(perLoop.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  return { loops, repeat: n, perLoop, best: Math.min(...perLoop), worst: Math.max(...perLoop), mean, std };
}

export function timeitReport(r: TimeitResult): string {
  const runs = `${r.repeat} run${r.repeat === 1 ? '' : 's'}`;
  const loops = `${r.loops} loop${r.loops === 1 ? '' : 's'} each`;
  return `${formatSeconds(r.mean)} ± ${formatSeconds(r.std)} per loop (mean ± std. dev. of ${runs}, ${loops}; best ${formatSeconds(r.best)})`;
}

const yieldToEventLoop = (): Promise<void> => new Promise((res) => setImmediate(res));

const interrupted = (): KeyboardInterrupt => new KeyboardInterrupt('%timeit interrupted');

/** Seconds for `loops` calls of fn. Checks the signal between calls (sync: every ~50 ms). */
async function runLoops(fn: () => unknown, loops: number, isAsync: boolean, signal: AbortSignal): Promise<number> {
  const t0 = performance.now();
  if (isAsync) {
    for (let i = 0; i < loops; i++) {
      await fn();
      if (signal.aborted) throw interrupted();
    }
  } else {
    // A slow synchronous statement would hold the event loop for the whole run, so the interrupt
    // could not reach us: yield every ~50 ms (the yields are not counted) and check the signal.
    let paused = 0, last = t0;
    for (let i = 0; i < loops; i++) {
      fn();
      const now = performance.now();
      if (now - last < 50) continue;
      await yieldToEventLoop();
      if (signal.aborted) throw interrupted();
      last = performance.now();
      paused += last - now;
    }
    return (performance.now() - t0 - paused) / 1000;
  }
  return (performance.now() - t0) / 1000;
}

async function compile(ctx: MagicContext, code: string, line: number, isAsync: boolean): Promise<() => unknown> {
  // `{` and the code share a line so the cell's line numbers stay right in errors.
  const r = await ctx.repl.evaluate(`(${isAsync ? 'async ' : ''}() => { ${code}\n})`, { lineOffset: line, signal: ctx.signal });
  if (!r.hasValue || typeof r.value !== 'function') {
    throw new BwvmError('timeit-compile', '%timeit could not turn the code into a function', { hint: 'time a statement or expression, e.g. %timeit f(10)' });
  }
  return r.value as () => unknown;
}

export const timeitFamily: MagicFamily = {
  name: 'core.timeit',
  magics: [{
    name: 'timeit',
    kind: 'both',
    summary: 'time TypeScript over many loops: mean ± std (and best) per loop',
    usage: '%timeit [-n LOOPS] [-r RUNS] [-q] CODE    or %%timeit [-n LOOPS] [-r RUNS] [SETUP] with the code as the cell body',
    flags: [
      { name: 'number', alias: 'n', type: 'number', help: 'loops per run (default: enough for 0.2 s per run)' },
      { name: 'repeat', alias: 'r', type: 'number', help: 'number of runs', default: 7 },
      { name: 'quiet', alias: 'q', type: 'boolean', help: 'do not print the report (the result is still in session.results.timeit)' },
    ],
    positionals: [{ name: 'code', help: 'TypeScript to time (line form) or setup run once (cell form)', optional: true, rest: true }],
    tsBody: true,
    details: 'Examples:\n  %timeit fib(20)\n  %timeit -n 100 -r 3 await fetchIt()\n  %%timeit const xs = [...Array(1000).keys()]\n  xs.map((x) => x * 2)',
    async run(args, ctx) {
      const cell = args.body !== undefined;
      const code = cell ? args.body! : args.pos('code') ?? '';
      if (code.trim() === '') throw new BwvmError('timeit-no-code', '%timeit needs code to time', { hint: 'e.g. %timeit fib(20)' });
      const repeat = Math.floor(args.num('repeat') ?? 7);
      const fixed = args.num('number');
      if (repeat < 1 || (fixed !== undefined && fixed < 1)) throw new BwvmError('timeit-bad-count', '%timeit -n and -r must be at least 1');
      const setup = cell ? args.pos('code') : undefined;
      if (setup) await ctx.repl.evaluate(setup, { lineOffset: ctx.line, signal: ctx.signal });
      const isAsync = /\bawait\b/.test(code);
      const fn = await compile(ctx, code, cell ? ctx.line + 1 : ctx.line, isAsync);
      let loops = fixed === undefined ? 0 : Math.floor(fixed);
      if (loops === 0) {
        // 1, 2, 5, 10, 20, 50, ... until one run takes >= 0.2 s
        for (let k = 0; ; k++) {
          const candidate = [1, 2, 5][k % 3]! * 10 ** Math.floor(k / 3);
          const t = await runLoops(fn, candidate, isAsync, ctx.signal);
          await yieldToEventLoop();
          if (ctx.signal.aborted) throw interrupted();
          if (t >= 0.2 || candidate >= 1e9) {
            loops = candidate;
            break;
          }
        }
      }
      const perLoop: number[] = [];
      for (let i = 0; i < repeat; i++) {
        perLoop.push((await runLoops(fn, loops, isAsync, ctx.signal)) / loops);
        await yieldToEventLoop();
        if (ctx.signal.aborted) throw interrupted();
      }
      const result = summarize(perLoop, loops);
      const report = timeitReport(result);
      Object.defineProperty(result, MIME, { value: (): MimeBundle => ({ 'text/plain': report }), enumerable: false });
      if (!args.bool('quiet')) {
        if (result.worst > 4 * result.best && result.best > 0) {
          ctx.stdout(`The slowest run took ${(result.worst / result.best).toFixed(2)} times longer than the fastest; a result may be cached.\n`);
        }
        ctx.stdout(report + '\n');
      }
      return new MagicOutput(result, undefined);
    },
  }],
};
