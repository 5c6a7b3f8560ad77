// Finds and compiles the bwDNN WebAssembly kernels (built into dist/wasm by
// `npm run build:wasm`), choosing the relaxed-SIMD build when this V8 accepts it.
import { existsSync, readFileSync } from 'node:fs';
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

/** dist/wasm next to the package root, found by walking up from this file (works from src/ and dist/). */
export function wasmDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'dist', 'wasm');
    if (existsSync(join(candidate, FILES.simd))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
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
