// The project's one small seeded linear congruential generator (32-bit, Numerical Recipes
// constants): deterministic test inputs for kernels and magics, the 'random' pruning criterion and
// graph-check feeds. Not for anything statistical.

/** Next-value function over [0, 1); `seed` 0 is taken as `zeroAs` (default 1; 0 keeps 0). */
export function lcg(seed: number, zeroAs = 1): () => number {
  let s = seed >>> 0 || zeroAs;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

/** n seeded values in [-1, 1). */
export function lcgSigned(n: number, seed: number): Float32Array {
  const next = lcg(seed), out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
  return out;
}
