// Kernel benchmark (`npm run bench:kernel`): bwvm's kernel against tslab in the same run, over
// real ZeroMQ: start to first kernel_info_reply, execute round trip, a declaring cell, complete
// and inspect latency, and `jupyter nbconvert --execute` of a 5-cell notebook. Prints ratios.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RunningKernel } from '../src/cli/run/kernel-process.js';
import { makeNotebook, serializeNotebook } from '../src/display/notebook/model.js';

const ROOT = resolve(process.cwd());
const KERNELS: Record<string, { argv: string[]; spec: string }> = {
  bwvm: { argv: [process.execPath, join(ROOT, 'bin', 'bwvm.js'), 'kernel', '-f', '{connection_file}'], spec: 'bwvm' },
  tslab: { argv: [process.execPath, join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'], spec: 'tslab-bench' },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = async (f: () => Promise<unknown>) => { const t = performance.now(); await f(); return performance.now() - t; };

async function measure(argv: string[]): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  let k!: RunningKernel;
  r['start -> kernel_info_reply'] = await ms(async () => { k = await RunningKernel.start({ argv, cwd: tmpdir(), startTimeout: 120 }); });
  try {
    const noop = () => undefined;
    r['first cell after start (1+1)'] = await ms(() => k.client.execute('1 + 1', noop));
    for (let i = 0; i < 3; i++) await k.client.execute('1 + 1', noop);
    const rt: number[] = [];
    for (let i = 0; i < 50; i++) rt.push(await ms(() => k.client.execute('1 + 1', noop)));
    r['execute 1+1 (median of 50)'] = median(rt);
    const decl: number[] = [];
    for (let i = 0; i < 10; i++) decl.push(await ms(() => k.client.execute(`const v${i}: number = ${i} * 2;`, noop)));
    r['cell declaring a variable (median of 10)'] = median(decl);
    const comp: number[] = [];
    for (let i = 0; i < 10; i++) comp.push(await ms(() => k.client.request('shell', 'complete_request', { code: 'Math.ma', cursor_pos: 7 })));
    r['complete_request (median of 10)'] = median(comp);
    const insp: number[] = [];
    for (let i = 0; i < 10; i++) insp.push(await ms(() => k.client.request('shell', 'inspect_request', { code: 'Math.max', cursor_pos: 8, detail_level: 0 })));
    r['inspect_request (median of 10)'] = median(insp);
  } finally {
    await k.stop();
  }
  return r;
}

/** nbconvert --execute of a 5-cell notebook, with both kernelspecs in a temp prefix. */
function nbconvert(prefix: string, kernel: string): number {
  const nb = join(prefix, `five-${kernel}.ipynb`);
  writeFileSync(nb, serializeNotebook(makeNotebook([
    { source: 'const xs = [1, 2, 3, 4, 5];' }, { source: 'xs.map((x) => x * x)' }, { source: 'console.log(xs.length)' },
    { source: 'const total = xs.reduce((a, b) => a + b, 0);' }, { source: 'total * 2' },
  ])));
  const env = { ...process.env, JUPYTER_PATH: join(prefix, 'share', 'jupyter') };
  const t = performance.now();
  const p = spawnSync('/usr/bin/jupyter', ['nbconvert', '--to', 'notebook', '--execute', `--ExecutePreprocessor.kernel_name=${kernel}`,
    '--output', join(prefix, `out-${kernel}.ipynb`), nb], { env, encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`nbconvert with ${kernel} failed: ${p.stderr.slice(-1500)}`);
  return performance.now() - t;
}

async function main(): Promise<void> {
  const results: Record<string, Record<string, number>> = {};
  for (const [name, k] of Object.entries(KERNELS)) {
    if (process.env.BENCH_KERNELS && !process.env.BENCH_KERNELS.split(',').includes(name)) continue;
    process.stderr.write(`[bench:kernel] ${name} ...\n`);
    results[name] = await measure(k.argv);
  }
  if (existsSync('/usr/bin/jupyter') && results.bwvm && results.tslab) {
    const prefix = mkdtempSync(join(tmpdir(), 'bwvm-bench-'));
    try {
      const inst = spawnSync(process.execPath, [join(ROOT, 'bin', 'bwvm.js'), 'install', '--prefix', prefix], { encoding: 'utf8' });
      if (inst.status !== 0) throw new Error(`bwvm install failed: ${inst.stderr}`);
      const dir = join(prefix, 'share', 'jupyter', 'kernels', 'tslab-bench');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'kernel.json'), JSON.stringify({ argv: KERNELS.tslab!.argv, display_name: 'tslab (bench)', language: 'typescript' }));
      for (const [name, k] of Object.entries(KERNELS)) results[name]!['nbconvert --execute, 5 cells'] = nbconvert(prefix, k.spec);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  }
  const rows = Object.keys(Object.values(results)[0]!);
  const pad = Math.max(...rows.map((r) => r.length));
  console.log(`\nKernel benchmark, ${new Date().toISOString()}, ${cpus().length}x ${cpus()[0]?.model ?? '?'}, node ${process.version}\n`);
  console.log(`| ${'measure'.padEnd(pad)} | bwvm (ms) | tslab (ms) | bwvm/tslab |`);
  console.log(`|${'-'.repeat(pad + 2)}|----------:|-----------:|-----------:|`);
  for (const row of rows) {
    const a = results.bwvm?.[row];
    const b = results.tslab?.[row];
    console.log(`| ${row.padEnd(pad)} | ${(a?.toFixed(1) ?? '-').padStart(9)} | ${(b?.toFixed(1) ?? '-').padStart(10)} | ${(a && b ? (a / b).toFixed(2) : '-').padStart(10)} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
