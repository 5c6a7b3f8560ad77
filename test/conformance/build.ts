// Builds dist/ (npm run build) for tests that start the real kernel process, once per change:
// skipped when dist/cli/main.js is newer than every file under src/; serialized with flock so
// parallel test files do not build at the same time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BWVM_BIN = join(ROOT, 'bin', 'bwvm.js');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

function upToDate(): boolean {
  const out = join(ROOT, 'dist', 'cli', 'main.js');
  return existsSync(out) && existsSync(join(ROOT, 'dist', 'main', 'executor-child.js')) && statSync(out).mtimeMs >= newestMtime(join(ROOT, 'src'));
}

/** Run `npm run build` unless dist/ is current; throws with the build output on failure. */
export function ensureBuilt(): void {
  if (upToDate()) return;
  const r = spawnSync('flock', ['/tmp/bwvm-test-build.lock', 'npm', 'run', 'build'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
  if (r.status !== 0 && !existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error(`npm run build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}
