// Gate for tests that need something outside npm: skipped (loudly, by scripts/test.js) on a
// developer machine that lacks it, but never in CI, where a missing prerequisite fails.
import { describe } from 'vitest';
// @ts-expect-error plain JS module shared with scripts/test.js
import { PREREQS } from '../../scripts/prereqs.js';

type Prereq = { name: string; check: () => boolean };
const cache = new Map<string, boolean>();

export function have(name: 'jupyter' | 'kernel-test' | 'fashion-mnist' | 'chromium' | 'torch' | 'gcc'): boolean {
  if (!cache.has(name)) {
    const p = (PREREQS as Prereq[]).find((q) => q.name === name);
    if (!p) throw new Error(`unknown prerequisite ${name}`);
    const ok = p.check();
    if (!ok && (process.env.CI === 'true' || process.env.CI === '1')) {
      throw new Error(`prerequisite '${name}' is missing in CI; run scripts/test.js as root to install it`);
    }
    cache.set(name, ok);
  }
  return cache.get(name)!;
}

/** describe() when every prerequisite is present, describe.skip() otherwise. */
export function describeWith(names: Parameters<typeof have>[0][], title: string, fn: () => void): void {
  const ok = names.every((n) => have(n));
  (ok ? describe : describe.skip)(ok ? title : `${title} [SKIPPED: missing ${names.filter((n) => !have(n)).join(', ')}]`, fn);
}
