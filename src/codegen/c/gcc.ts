// Building and running generated C on the host: write the files of a CModel to a folder,
// compile them with gcc (-std=c99 -Wall -Wextra -Werror -O2 by default) and run the harness on
// float32 inputs, returning its float32 outputs. Errors carry gcc's diagnostics.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BwvmError } from '../../util/errors.js';
import type { CModel } from './model.js';

export const STRICT_FLAGS = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic', '-O2'];

/** Write every file of the model into `dir` (created); returns [name, bytes] per file. */
export function writeCModel(m: CModel, dir: string): [string, number][] {
  mkdirSync(dir, { recursive: true });
  return [...m.files].map(([name, body]) => {
    writeFileSync(join(dir, name), body);
    return [name, typeof body === 'string' ? Buffer.byteLength(body) : body.length];
  });
}

/** Is a C compiler on PATH? */
export function haveGcc(cc = 'gcc'): boolean {
  return spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Compile model + weights + harness in `dir` into `dir/<prefix>_harness`; returns the executable path. */
export function compileCModel(m: CModel, dir: string, o: { cc?: string; flags?: string[] } = {}): string {
  const exe = join(dir, `${m.prefix}_harness`);
  const srcs = [...m.files.keys()].filter((f) => f.endsWith('.c')).map((f) => join(dir, f));
  const args = [...(o.flags ?? STRICT_FLAGS), '-o', exe, ...srcs, '-lm'];
  const r = spawnSync(o.cc ?? 'gcc', args, { encoding: 'utf8' });
  if (r.error) throw new BwvmError('CG_CC', `cannot run ${o.cc ?? 'gcc'}: ${r.error.message}`, { hint: 'install gcc (apt-get install -y gcc) or pass --cc' });
  if (r.status !== 0) throw new BwvmError('CG_CC', `${o.cc ?? 'gcc'} rejected the generated C:\n${r.stderr.slice(0, 4000)}`, { hint: `command: ${o.cc ?? 'gcc'} ${args.join(' ')}` });
  return exe;
}

/** Run the compiled harness on the inputs (float32, one per model input); returns the outputs. */
export function runHarness(m: CModel, exe: string, dir: string, inputs: Float32Array[], weightsFile?: string): Float32Array[] {
  const ins = inputs.map((x, k) => { const p = join(dir, `in${k}.bin`); writeFileSync(p, new Uint8Array(x.buffer, x.byteOffset, x.byteLength)); return p; });
  const outs = m.outputs.map((_, k) => join(dir, `out${k}.bin`));
  const blob = m.files.has(`${m.prefix}_weights.bin`) ? [weightsFile ?? join(dir, `${m.prefix}_weights.bin`)] : [];
  try {
    execFileSync(exe, [...ins, ...outs, ...blob], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new BwvmError('CG_RUN', `${exe} failed: ${String((e as { stderr?: Buffer }).stderr ?? e)}`);
  }
  return outs.map((p) => { const b = readFileSync(p); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); });
}
