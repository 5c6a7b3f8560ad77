// Per-step profile of the compiled fast forward on vgg_small (`BENCH_PROFILE=1` style helper):
// `tsc` it like bench/dnn.ts and run `node out/bench/bench/dnn-profile.js [model] [N] [reps]`;
// prints the median CPU ms of every fused step (process CPU time: robust on a shared machine)
// and its share.
import { createRuntime } from '../src/bwdnn/kernels/runtime.js';
import { compileForward } from '../src/bwdnn/fast/forward.js';
import { zooModel } from '../src/bwdnn/zoo/index.js';

const [name = 'vgg_small', nArg = '64', repsArg = '7'] = process.argv.slice(2);
const n = Number(nArg), reps = Number(repsArg);
const rt = createRuntime({ threads: 1, relaxed: 'auto' });
const g = zooModel(name);
const [, ...chw] = g.inputs[0]!.shape as number[];
const x = { dtype: 'float32' as const, shape: [n, ...chw], data: Float32Array.from({ length: n * chw.reduce((a, b) => a * b, 1) }, () => Math.random()) };
const fwd = compileForward(g, rt);
const times = new Map<string, number[]>();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let r = 0; r < reps + 1; r++) {
  let t = cpu();
  fwd.run({ [g.inputs[0]!.name]: x }, { onStep: (grp) => {
    const now = cpu(), key = grp.nodes.map((m) => m.name).join('+');
    if (r) times.set(key, [...(times.get(key) ?? []), now - t]);
    t = now;
  } });
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const rows = [...times].map(([k, v]) => [k, med(v)] as const);
const total = rows.reduce((a, [, v]) => a + v, 0);
for (const [k, v] of rows) console.log(`${v.toFixed(2).padStart(8)} ms ${(100 * v / total).toFixed(1).padStart(5)} %  ${k}`);
console.log(`${total.toFixed(2).padStart(8)} ms total (${rt.variant})`);
fwd.dispose(); rt.close();
