// Hostile TF.js folders: manifests escaping the model folder ('../', absolute, URL-encoded,
// symlinks), short/missing shards, unsupported dtypes, bad dims, custom layers, unknown ops, NaN
// weights. Each is refused with its own code; a readable, right-sized sentinel file outside the
// folder proves the refusal happens instead of a read.
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importTfjs } from '../../../src/frontend/tfjs/import.js';
import { BwvmError } from '../../../src/util/errors.js';

const root = mkdtempSync(join(tmpdir(), 'bwvm-tfjs-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

type Doc = { modelTopology: any; weightsManifest: { paths: string[]; weights: any[] }[]; [k: string]: unknown };

/** A fresh copy of a fixture folder; `edit` may rewrite model.json. Returns the folder. */
function copy(fixture: string, edit?: (doc: Doc, dir: string) => void): string {
  const dir = join(root, `m${++n}`);
  cpSync(`fixtures/tfjs/${fixture}`, dir, { recursive: true });
  if (edit) {
    const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Doc;
    edit(doc, dir);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(doc));
  }
  return dir;
}

/** Move shard 1 of a folder out to a sentinel file next to the folder; returns its path. */
function sentinelOutside(dir: string, doc: Doc): string {
  const out = join(root, `sentinel${n}.bin`);
  copyFileSync(join(dir, doc.weightsManifest[0]!.paths[0]!), out);
  return out;
}

async function refusal(p: Promise<unknown>): Promise<BwvmError> {
  try { await p; } catch (e) { if (e instanceof BwvmError) return e; throw e; }
  throw new Error('expected the import to be refused');
}

describe('TF.js importer: hostile corpus', () => {
  it("refuses '../' shard paths even when the target exists and fits", async () => {
    const dir = copy('layers_cnn', (doc, d) => { sentinelOutside(d, doc); doc.weightsManifest[0]!.paths[0] = `../sentinel${n}.bin`; });
    const e = await refusal(importTfjs(dir));
    expect(e.code).toBe('TFJS_PATH_REFUSED');
    expect(e.message).toContain(`'../sentinel${n}.bin'`);
    expect(e.message).toContain(join(dir, 'model.json'));
  });

  it('refuses absolute, URL-encoded and URL shard paths', async () => {
    const cases: ((s: string) => string)[] = [(s) => s, (s) => `..%2F${s.split('/').pop()}`, (s) => `file://${s}`, () => 'https://example.com/w.bin', () => 'C:\\w.bin'];
    for (const make of cases) {
      const dir = copy('layers_cnn', (doc, d) => { doc.weightsManifest[0]!.paths[0] = make(sentinelOutside(d, doc)); });
      expect((await refusal(importTfjs(dir))).code).toBe('TFJS_PATH_REFUSED');
    }
  });

  it('refuses a symlink inside the folder that leads outside', async () => {
    const dir = copy('layers_cnn');
    const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Doc;
    const shard = join(dir, doc.weightsManifest[0]!.paths[0]!);
    const out = sentinelOutside(dir, doc);
    unlinkSync(shard);
    symlinkSync(out, shard);
    const e = await refusal(importTfjs(dir));
    expect(e.code).toBe('TFJS_PATH_REFUSED');
    expect(e.message).toMatch(/link to a file outside/);
  });

  it('checks shard sizes against the manifest before use (short, long, missing)', async () => {
    const short = copy('graph');
    const doc = JSON.parse(readFileSync(join(short, 'model.json'), 'utf8')) as Doc;
    const last = join(short, doc.weightsManifest[0]!.paths.at(-1)!);
    truncateSync(last, statSync(last).size - 4);
    const e = await refusal(importTfjs(short));
    expect(e.code).toBe('TFJS_SHARD_SIZE');
    expect(e.message).toMatch(/hold \d+ bytes but the manifest describes \d+ bytes/);
    const long = copy('graph');
    writeFileSync(join(long, doc.weightsManifest[0]!.paths[0]!), Buffer.alloc(8), { flag: 'a' });
    expect((await refusal(importTfjs(long))).code).toBe('TFJS_SHARD_SIZE');
    const missing = copy('graph');
    unlinkSync(join(missing, doc.weightsManifest[0]!.paths[0]!));
    expect((await refusal(importTfjs(missing))).code).toBe('TFJS_SHARD_MISSING');
  });

  it('refuses unsupported weight dtypes and quantizations, and bad dims', async () => {
    const str = copy('layers_cnn', (doc) => { doc.weightsManifest[0]!.weights[0].dtype = 'string'; });
    expect((await refusal(importTfjs(str))).code).toBe('TFJS_DTYPE');
    const q = copy('layers_cnn', (doc) => { doc.weightsManifest[0]!.weights[0].quantization = { dtype: 'int4', scale: 1, min: 0 }; });
    expect((await refusal(importTfjs(q))).code).toBe('TFJS_DTYPE');
    const neg = copy('layers_cnn', (doc) => { doc.weightsManifest[0]!.weights[0].shape = [3, -3, 3, 8]; });
    expect((await refusal(importTfjs(neg))).code).toBe('TFJS_BAD_DIM');
    const zero = copy('layers_cnn', (doc) => { doc.modelTopology.model_config.config[8].config.units = 0; });
    const z = await refusal(importTfjs(zero));
    expect(z.code).toBe('KERAS_BAD_DIM');
    expect(z.message).toContain("layer 'dense_1' (Dense)");
    const ph = copy('graph', (doc) => { doc.modelTopology.node[0].attr.shape.shape.dim[1].size = '0'; });
    expect((await refusal(importTfjs(ph))).code).toBe('TFJS_BAD_DIM');
  });

  it('refuses custom and Lambda layers before reading any shard', async () => {
    const custom = copy('layers_functional', (doc, d) => {
      doc.modelTopology.model_config.config.layers[5].class_name = 'MyFancyLayer';
      for (const p of doc.weightsManifest[0]!.paths) unlinkSync(join(d, p));
    });
    const e = await refusal(importTfjs(custom));
    expect(e.code).toBe('KERAS_UNKNOWN_LAYER');
    expect(e.message).toContain("'sep'");
    expect(e.message).toContain('MyFancyLayer');
    expect(e.message).toContain('model.json');
    const lambda = copy('layers_functional', (doc) => { doc.modelTopology.model_config.config.layers[4].class_name = 'Lambda'; });
    const l = await refusal(importTfjs(lambda));
    expect(l.code).toBe('KERAS_LAMBDA_REFUSED');
    expect(l.message).toContain("'dw_act'");
  });

  it('refuses unknown graph ops naming op, node and file', async () => {
    const dir = copy('graph', (doc) => { doc.modelTopology.node.find((x: { name: string }) => x.name === 'add/add').op = 'PyFunc'; });
    const e = await refusal(importTfjs(dir));
    expect(e.code).toBe('TFJS_UNSUPPORTED_OP');
    expect(e.message).toContain("'add/add'");
    expect(e.message).toContain("'PyFunc'");
    expect(e.message).toContain('model.json');
  });

  it('refuses invalid JSON and NaN weights', async () => {
    const bad = copy('graph');
    writeFileSync(join(bad, 'model.json'), '{"format": "graph-model", "modelTopology": {');
    expect((await refusal(importTfjs(bad))).code).toBe('TFJS_JSON');
    const nan = copy('graph');
    const doc = JSON.parse(readFileSync(join(nan, 'model.json'), 'utf8')) as Doc;
    const shard = join(nan, doc.weightsManifest[0]!.paths[0]!);
    const bytes = readFileSync(shard);
    bytes.writeFloatLE(NaN, 8);
    writeFileSync(shard, bytes);
    const e = await refusal(importTfjs(nan));
    expect(e.code).toBe('FRONTEND_NONFINITE_WEIGHT');
    expect(e.message).toContain('c1/kernel');
  });
});
