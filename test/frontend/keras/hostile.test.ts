// Hostile and damaged Keras files: each is refused with its own error code and a message naming
// the file (and the layer and its class where there is one); nothing outside the model folder is read.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importKerasH5 } from '../../../src/frontend/keras/import-h5.js';
import { BwvmError } from '../../../src/util/errors.js';

const H = 'fixtures/keras/hostile';
const tmp = mkdtempSync(join(tmpdir(), 'bwvm-keras-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function refusal(p: Promise<unknown>): Promise<BwvmError> {
  try { await p; } catch (e) { if (e instanceof BwvmError) return e; throw e; }
  throw new Error('expected the import to be refused');
}

describe('Keras importer: hostile corpus', () => {
  it('refuses a truncated file (KERAS_H5_PARSE)', async () => {
    const f = join(tmp, 'trunc.h5');
    writeFileSync(f, readFileSync('fixtures/keras/functional.h5').subarray(0, 20000));
    const e = await refusal(importKerasH5(f));
    expect(e.code).toBe('KERAS_H5_PARSE');
    expect(e.message).toContain(f);
    expect(e.message).toMatch(/truncated/);
  });

  it('refuses wrong magic bytes (KERAS_H5_MAGIC) and a missing file (KERAS_H5_READ)', async () => {
    const f = join(tmp, 'zip.h5');
    writeFileSync(f, Buffer.from('PK\x03\x04 this is a .keras zip, not HDF5'));
    expect((await refusal(importKerasH5(f))).code).toBe('KERAS_H5_MAGIC');
    expect((await refusal(importKerasH5(join(tmp, 'nope.h5')))).code).toBe('KERAS_H5_READ');
  });

  it('reports corruption inside an otherwise valid file as a BwvmError, never a crash', async () => {
    const bytes = Buffer.from(readFileSync('fixtures/keras/functional.h5'));
    for (let i = 600; i < bytes.length; i += 97) bytes[i] = (bytes[i]! * 31 + 7) & 0xff;
    const f = join(tmp, 'scrambled.h5');
    writeFileSync(f, bytes);
    const e = await refusal(importKerasH5(f));
    expect(e.code).toMatch(/^(KERAS|FRONTEND)_/);
    expect(e.message).toContain(f);
  });

  it('refuses Lambda layers naming the layer, its class and the file', async () => {
    const e = await refusal(importKerasH5(`${H}/lambda.h5`));
    expect(e.code).toBe('KERAS_LAMBDA_REFUSED');
    expect(e.message).toContain("'evil'");
    expect(e.message).toContain('Lambda');
    expect(e.message).toContain('lambda.h5');
  });

  it('refuses custom / unknown layer classes', async () => {
    const e = await refusal(importKerasH5(`${H}/custom.h5`));
    expect(e.code).toBe('KERAS_UNKNOWN_LAYER');
    expect(e.message).toContain("'attn'");
    expect(e.message).toContain('AttentionBlock');
    expect(e.message).toContain('custom.h5');
  });

  it('refuses zero and negative dims in the config (KERAS_BAD_DIM)', async () => {
    const z = await refusal(importKerasH5(`${H}/zero_dim.h5`));
    expect(z.code).toBe('KERAS_BAD_DIM');
    expect(z.message).toContain("'x'");
    const n = await refusal(importKerasH5(`${H}/negative_filters.h5`));
    expect(n.code).toBe('KERAS_BAD_DIM');
    expect(n.message).toMatch(/layer 'c' \(Conv2D\).*filters/);
  });

  it('flags NaN weights (FRONTEND_NONFINITE_WEIGHT)', async () => {
    const e = await refusal(importKerasH5(`${H}/nan_weight.h5`));
    expect(e.code).toBe('FRONTEND_NONFINITE_WEIGHT');
    expect(e.message).toMatch(/'kernel' of layer 'c'/);
  });

  it('refuses weights-only files and broken model_config JSON', async () => {
    expect((await refusal(importKerasH5(`${H}/weights_only.h5`))).code).toBe('KERAS_NO_CONFIG');
    expect((await refusal(importKerasH5(`${H}/bad_json.h5`))).code).toBe('KERAS_CONFIG_JSON');
  });

  it('never follows an HDF5 external link out of the model folder, even when its target exists', async () => {
    const dir = join(tmp, 'models');
    mkdirSync(dir, { recursive: true });
    copyFileSync(`${H}/external_link.h5`, join(dir, 'model.h5'));
    copyFileSync(`${H}/sentinel/outside_weights.h5`, join(tmp, 'outside_weights.h5')); // the link's valid target
    const e = await refusal(importKerasH5(join(dir, 'model.h5')));
    expect(e.code).toBe('KERAS_WEIGHTS');
    expect(e.message).toMatch(/'c\/kernel:0' of layer 'c' is missing \(or is an external link\)/);
  });
});
