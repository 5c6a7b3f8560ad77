// Weight manifests: the path confinement rules one by one, and quantized weights (uint8, uint16,
// float16) dequantized exactly as tfjs does (same predictions from the same quantized folder).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { confinedPath } from '../../../src/frontend/tfjs/weights.js';
import { importTfjs } from '../../../src/frontend/tfjs/import.js';
import { run } from '../../../src/bwdnn/reference/index.js';
import { BwvmError } from '../../../src/util/errors.js';
import { maxRelError, randomInput, tfReady, tfjsArtifacts, toTf } from '../keras/oracle.js';

const root = mkdtempSync(join(tmpdir(), 'bwvm-tfjs-weights-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function refusedCode(p: unknown): string {
  try { confinedPath('/models/m', p, 'model.json'); } catch (e) { return (e as BwvmError).code; }
  return 'accepted';
}

/** float32 -> IEEE half bits (round to nearest; fine for weights in a normal range). */
function toHalf(v: number): number {
  const f = new Float32Array([v]), u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000, e = ((u >>> 23) & 0xff) - 112, m = u & 0x7fffff;
  if (e <= 0) return sign;
  return sign | (e << 10) | Math.round(m / 8192);
}

describe('TF.js weight manifests', () => {
  it('confines shard paths to the model folder', () => {
    expect(confinedPath('/models/m', 'group1-shard1of1.bin', 'model.json')).toBe('/models/m/group1-shard1of1.bin');
    expect(confinedPath('/models/m', 'sub/dir%20x/w.bin', 'model.json')).toBe('/models/m/sub/dir x/w.bin');
    for (const bad of ['../w.bin', 'a/../../w.bin', '/etc/passwd', '..%2Fw.bin', '%2e%2e/w.bin', 'file:///etc/passwd', 'http://x/w.bin', 'C:\\w.bin', '\\\\server\\w.bin', '', 42, null, 'w%ZZ.bin', 'a\0b']) {
      expect(refusedCode(bad)).toBe('TFJS_PATH_REFUSED');
    }
  });

  for (const kind of ['uint8', 'uint16', 'float16'] as const) {
    it(`dequantizes ${kind} weights like tfjs`, async () => {
      await tfReady();
      const dir = join(root, kind);
      cpSync('fixtures/tfjs/layers_functional', dir, { recursive: true });
      const art = tfjsArtifacts(dir);
      const specs = art.weightSpecs!;
      const src = new Float32Array(art.weightData as ArrayBuffer);
      const parts: Buffer[] = [];
      let off = 0;
      for (const s of specs) {
        const n = s.shape.reduce((a, b) => a * b, 1);
        const v = src.subarray(off, off + n);
        off += n;
        if (kind === 'float16') {
          const b = Buffer.alloc(2 * n);
          v.forEach((x, i) => b.writeUInt16LE(toHalf(x), 2 * i));
          parts.push(b);
          s.quantization = { dtype: 'float16' };
          continue;
        }
        const levels = kind === 'uint8' ? 255 : 65535;
        const min = Math.min(...v), max = Math.max(...v);
        const scale = max > min ? (max - min) / levels : 1;
        const b = Buffer.alloc((kind === 'uint8' ? 1 : 2) * n);
        v.forEach((x, i) => { const q = Math.round((x - min) / scale); if (kind === 'uint8') b.writeUInt8(q, i); else b.writeUInt16LE(q, 2 * i); });
        parts.push(b);
        s.quantization = { dtype: kind, scale, min };
      }
      const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      rmSync(join(dir, doc.weightsManifest[0].paths[0])); rmSync(join(dir, doc.weightsManifest[0].paths[1]));
      writeFileSync(join(dir, 'q.bin'), Buffer.concat(parts));
      doc.weightsManifest = [{ paths: ['q.bin'], weights: specs }];
      writeFileSync(join(dir, 'model.json'), JSON.stringify(doc));
      const g = await importTfjs(dir);
      const model = await tf.loadLayersModel(tf.io.fromMemory(tfjsArtifacts(dir)));
      const x = randomInput([2, 8, 8, 4], 9);
      const got = run(g, { [g.inputs[0]!.name]: x });
      const want = model.predict(toTf(x)) as tf.Tensor[];
      g.outputs.forEach((o, i) => expect(maxRelError(got[o.name]!.data as Float32Array, want[i]!.dataSync())).toBeLessThanOrEqual(1e-4));
    });
  }
});
