// Simulator speed: execution lines simulated per second in fast and traced mode on a conv-like
// inner loop (two loads + 8 multiply-accumulates on each of the 4 macros per line, register
// triple-buffering so nothing stalls). Run: npm run bench:sim. Prints figures; asserts nothing.
import { assemble } from '../src/isa/index.js';
import { Simulator } from '../src/sim/index.js';
import { getTarget } from '../src/target/index.js';

const T = getTarget('bwdsp104x');
const macs = (acc: number, a: number, b: number): string =>
  Array.from({ length: 8 }, (_, i) => `xyzt fr${acc + i} += fr${a} * fr${b}`).join(' || ');

const OUTER = Number(process.env.BENCH_OUTER ?? 2000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
// dense: every line = 2 loads + 8 xyzt multiply-accumulates (10 slots, 40 lane operations)
const DENSE = `
.data
x: .space 8192
.block 1
w: .space 8192
.text
main:
    loop outer, ${OUTER}
    u0 = x || v0 = w
    loop inner, 1000
    xyzt r1 = [u0+=1,1] || xyzt r2 = [v0+=1,0] || ${macs(10, 3, 4)}
    xyzt r3 = [u0+=1,1] || xyzt r4 = [v0+=1,0] || ${macs(20, 5, 6)}
    xyzt r5 = [u0+=1,1] || xyzt r6 = [v0+=1,0] || ${macs(30, 1, 2)}
inner:
    nop
outer:
    halt
`;
// light: every line = 1 load + 1 broadcast load + 1 xyzt multiply-accumulate (3 slots, 12 lane operations)
const LIGHT = DENSE.replace(/ \|\| xyzt fr(\d+) \+= fr(\d+) \* fr(\d+)(?: \|\| xyzt fr\d+ \+= fr\d+ \* fr\d+)+/g, ' || xyzt fr$1 += fr$2 * fr$3');

async function measure(name: string, src: string, mode: 'fast' | 'traced'): Promise<void> {
  const sim = new Simulator(assemble(src, { limits: T }), T);
  sim.setInput('x', Float32Array.from({ length: 8192 }, (_, i) => (i % 13) * 0.25));
  sim.setInput('w', Float32Array.from({ length: 8192 }, (_, i) => (i % 7) * 0.5));
  await sim.run({ mode }); // warm-up (JIT)
  // best of REPS runs: wall time and CPU time (CPU time is robust when other processes share the cores)
  let s = Infinity, cpu = Infinity;
  let profile!: Awaited<ReturnType<Simulator['run']>>['profile'];
  for (let rep = 0; rep < REPS; rep++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    profile = (await sim.run({ mode, maxCycles: 1e12, sampleEvery: 100_000 })).profile;
    s = Math.min(s, Number(process.hrtime.bigint() - t0) / 1e9);
    const cu = process.cpuUsage(c0);
    cpu = Math.min(cpu, (cu.user + cu.system) / 1e6);
  }
  console.log(`${name} ${mode.padEnd(6)}: ${profile.lines} lines, ${profile.cycles} cycles; wall ${s.toFixed(3)} s = ` +
    `${(profile.lines / s / 1e6).toFixed(1)} M lines/s; CPU ${cpu.toFixed(3)} s = ${(profile.lines / cpu / 1e6).toFixed(1)} M lines/s ` +
    `(${(profile.lines * (name === 'dense' ? 10 : 3) / cpu / 1e6).toFixed(0)} M slots/s); ` +
    `simulated FLOP efficiency ${(100 * profile.efficiency).toFixed(1)} %, MUL utilization ${(100 * profile.utilization.MUL).toFixed(1)} %`);
}

for (const [name, src] of [['dense', DENSE], ['light', LIGHT]] as const) {
  await measure(name, src, 'fast');
  await measure(name, src, 'traced');
}
