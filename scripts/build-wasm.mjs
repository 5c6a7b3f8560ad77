// Builds the bwDNN WebAssembly kernels from assembly/*.ts with the AssemblyScript compiler
// (an npm dependency, no external toolchain): a plain SIMD build and a relaxed-SIMD build,
// written to dist/wasm/. Run by `npm run build:wasm` (and so by `npm run build`).
import asc from 'assemblyscript/asc';
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'wasm');
mkdirSync(outDir, { recursive: true });

const common = [
  join(root, 'assembly', 'index.ts'),
  '-O3', '--noAssert', '--runtime', 'stub', '--use', 'abort=',
  '--importMemory', '--sharedMemory', '--initialMemory', '2', '--maximumMemory', '65536',
];
const variants = [
  { name: 'bwdnn-simd.wasm', features: 'simd,threads' },
  { name: 'bwdnn-relaxed.wasm', features: 'simd,threads,relaxed-simd' },
];

for (const v of variants) {
  const out = join(outDir, v.name);
  // write aside, then rename: a concurrent reader never sees a half-written module
  const tmp = `${out}.${process.pid}.tmp`;
  const { error, stderr } = await asc.main([...common, '--enable', v.features, '-o', tmp]);
  if (error) {
    process.stderr.write(stderr.toString());
    console.error(`build-wasm: ${v.name} failed: ${error.message}`);
    process.exit(1);
  }
  renameSync(tmp, out);
  console.log(`build-wasm: wrote ${out}`);
}
