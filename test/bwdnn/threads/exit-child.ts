// Test support: creates a 2-thread runtime, runs a kernel on both threads and returns
// without close(); the process must still exit by itself (the pool's workers are unref'd).
import { createRuntime } from '../../../src/bwdnn/kernels/runtime.js';

const rt = createRuntime({ threads: 2, relaxed: 'off', spinMicros: 20 });
const p = rt.upload([-1, 2, -3, 4]);
rt.parallel('activation', [[p, p, 2, 1, 0], [p + 8, p + 8, 2, 1, 0]]);
console.log(JSON.stringify(Array.from(rt.download(p, 4))));
