// Finds and compiles the bwDNN WebAssembly kernels (built into dist/wasm by
// `npm run build:wasm`), choosing the relaxed-SIMD build when this V8 accepts it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { BwvmError } from '../../util/errors.js';

export type SimdVariant = 'simd' | 'relaxed';
/** 'auto': relaxed when it validates (the V8 flag is switched on first), else plain SIMD. */
export type RelaxedChoice = 'auto' | 'on' | 'off';

export interface LoadedKernels {
  module: WebAssembly.Module;
  variant: SimdVariant;
  path: string;
}

const FILES: Record<SimdVariant, string> = { simd: 'bwdnn-simd.wasm', relaxed: 'bwdnn-relaxed.wasm' };
const cache = new Map<SimdVariant, LoadedKernels>();

/** The package root: the nearest ancestor of this file holding assembly/ or dist/wasm/. */
function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'assembly', 'index.ts')) || existsSync(join(dir, 'dist', 'wasm', FILES.simd))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** In a checkout (assembly/ present): whether a kernel source is newer than the built modules. */
function stale(root: string): boolean {
  const src = join(root, 'assembly');
  if (!existsSync(src)) return false;
  const built = Object.values(FILES).map((f) => join(root, 'dist', 'wasm', f));
  if (!built.every((f) => existsSync(f))) return true;
  const oldest = Math.min(...built.map((f) => statSync(f).mtimeMs));
  return readdirSync(src).some((f) => f.endsWith('.ts') && statSync(join(src, f)).mtimeMs > oldest);
}

let checked = false;
/** dist/wasm of the package (works from src/ and dist/); rebuilt first when a checkout's sources are newer. */
export function wasmDir(): string {
  const root = packageRoot();
  if (root && !checked && stale(root) && existsSync(join(root, 'scripts', 'build-wasm.mjs'))) {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')], { encoding: 'utf8' });
    if (r.status !== 0) {
      throw new BwvmError('bwdnn.wasm-build', `building the bwDNN WebAssembly kernels failed:\n${r.stderr || r.stdout}`, { hint: 'run `npm run build:wasm` and fix the reported error in assembly/' });
    }
  }
  checked = true;
  if (root && existsSync(join(root, 'dist', 'wasm', FILES.simd))) return join(root, 'dist', 'wasm');
  throw new BwvmError('bwdnn.wasm-missing', 'The bwDNN WebAssembly kernels (dist/wasm/bwdnn-simd.wasm) are not built.', {
    hint: 'run `npm run build:wasm` (or `npm run build`) in the bwvm checkout',
  });
}

let flagSet = false;
/** Turns on relaxed SIMD in this V8; holds for modules compiled (and workers started) afterwards. */
export function enableRelaxedSimdFlag(): void {
  if (flagSet) return;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  flagSet = true;
}

export function relaxedSupported(): boolean {
  const bytes = readFileSync(join(wasmDir(), FILES.relaxed));
  return WebAssembly.validate(bytes);
}

function compile(variant: SimdVariant): LoadedKernels {
  const hit = cache.get(variant);
  if (hit) return hit;
  const path = join(wasmDir(), FILES[variant]);
  const loaded = { module: new WebAssembly.Module(readFileSync(path)), variant, path };
  cache.set(variant, loaded);
  return loaded;
}

export function loadKernels(relaxed: RelaxedChoice = 'auto'): LoadedKernels {
  if (relaxed === 'off') return compile('simd');
  if (!relaxedSupported()) {
    try { enableRelaxedSimdFlag(); } catch { /* flag refused: stay on plain SIMD */ }
  }
  if (relaxedSupported()) return compile('relaxed');
  if (relaxed === 'on') {
    throw new BwvmError('bwdnn.relaxed-unsupported', 'This Node/V8 does not accept the relaxed-SIMD kernels.', {
      hint: 'run node with --experimental-wasm-relaxed-simd, or use relaxed: "off"',
    });
  }
  return compile('simd');
}
