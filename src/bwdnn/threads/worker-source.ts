// Source of a pool worker (run with `eval: true`, so it works from src/ under vitest and
// from dist/ alike): instantiates the kernel module on the shared memory, then loops:
// spin on its control slot for a few microseconds, then Atomics.wait, run the posted kernel, signal done.

/** Control slot layout (Int32 words per worker). */
export const SLOT = { seq: 0, done: 1, fn: 2, nargs: 3, error: 4, ready: 5, words: 16 } as const;
export const MAX_ARGS = 24;

export const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctlBuf, argBuf, index, names, spinMicros } = workerData;
const spinMs = spinMicros / 1000;
const W = ${SLOT.words}, A = ${MAX_ARGS};
const ctl = new Int32Array(ctlBuf);
const args = new Float64Array(argBuf);
const base = index * W, abase = index * A;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((n) => ex[n]);
Atomics.store(ctl, base + ${SLOT.ready}, 1);
Atomics.notify(ctl, base + ${SLOT.ready});
let last = 0;
for (;;) {
  let s = Atomics.load(ctl, base + ${SLOT.seq});
  if (s === last) {
    const end = performance.now() + spinMs;
    let n = 0;
    while (s === last) {
      if ((++n & 63) === 0 && performance.now() > end) Atomics.wait(ctl, base + ${SLOT.seq}, last);
      s = Atomics.load(ctl, base + ${SLOT.seq});
    }
  }
  last = s;
  const fn = ctl[base + ${SLOT.fn}];
  if (fn < 0) break;
  const nargs = ctl[base + ${SLOT.nargs}];
  const a = [];
  for (let i = 0; i < nargs; i++) a.push(args[abase + i]);
  try { fns[fn](...a); ctl[base + ${SLOT.error}] = 0; } catch (e) { ctl[base + ${SLOT.error}] = 1; }
  Atomics.store(ctl, base + ${SLOT.done}, s);
  Atomics.notify(ctl, base + ${SLOT.done});
}
`;
