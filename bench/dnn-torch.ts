// PyTorch peer of `npm run bench:dnn`: runs bench/peers/dnn_torch.py with Debian's
// /usr/bin/python3 (python3-torch) on 1 or 2 threads and returns its timings per workload;
// undefined (with the reason) when torch is not installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TorchRun { version: string; ms: Record<string, number[]> }

const PYTHON = '/usr/bin/python3';

/** bench/peers/dnn_torch.py, from bench/ or from the compiled out/bench/bench/. */
function script(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const c = join(dir, 'bench', 'peers', 'dnn_torch.py');
    if (existsSync(c)) return c;
    dir = dirname(dir);
  }
  throw new Error('bench/peers/dnn_torch.py not found');
}

export function torchTimings(threads: number, reps: number, only = '', clock = 'wall'): TorchRun | { error: string } {
  if (!existsSync(PYTHON)) return { error: `${PYTHON} missing` };
  const r = spawnSync(PYTHON, [script(), String(threads), String(reps), only, clock], {
    encoding: 'utf8', env: { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX', OMP_NUM_THREADS: String(threads) }, timeout: 900_000,
  });
  if (r.status !== 0) {
    const err = (r.stderr || r.error?.message || '').trim().split('\n').pop() ?? 'failed';
    return { error: /No module named 'torch'/.test(r.stderr) ? 'python3-torch not installed' : err };
  }
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { torch: string; ms: Record<string, number[]> };
  return { version: j.torch, ms: j.ms };
}
