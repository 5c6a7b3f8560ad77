// What a Keras layer converter sees: the builder, the layer (class, name, config), its input
// values and weights, and config accessors that validate values (positive dims, known enums)
// and fail with errors naming the layer, its class and the file.
import type { Tensor } from '../../../ir/index.js';
import { BwvmError } from '../../../util/errors.js';
import type { GraphBuilder, Value } from '../builder.js';
import type { KerasLayer } from '../model-config.js';

export type LayerConverter = (ctx: LayerCtx) => Value[];

export class LayerCtx {
  constructor(
    readonly b: GraphBuilder,
    readonly layer: KerasLayer,
    readonly inputs: Value[],
    private readonly weights: Map<string, Tensor>,
  ) {}

  get name(): string { return this.layer.name; }
  get cfg(): Record<string, unknown> { return this.layer.config; }

  fail(code: string, msg: string, hint?: string): never {
    throw new BwvmError(code, `${this.b.file}: layer '${this.name}' (${this.layer.className}): ${msg}`, hint ? { hint } : {});
  }

  /** The single input (fails when the layer got several). */
  one(): Value {
    if (this.inputs.length !== 1) this.fail('KERAS_CONFIG', `expects 1 input, got ${this.inputs.length}`);
    return this.inputs[0]!;
  }

  /** Static spatial dims [H, W] of a logical NHWC value. */
  spatial(v: Value): [number, number] {
    if (v.shape.length !== 4) this.fail('KERAS_SHAPE', `expects a 4-D (batch, height, width, channels) input, got rank ${v.shape.length}`);
    const [, h, w] = v.shape;
    if (typeof h !== 'number' || typeof w !== 'number') this.fail('KERAS_DYNAMIC_SHAPE', `input height/width are not fixed (${v.shape.join('x')})`, 'save the model with a fixed input shape, e.g. Input(shape=(224, 224, 3))');
    return [h, w];
  }

  channels(v: Value): number {
    const c = v.shape[v.shape.length - 1];
    if (typeof c !== 'number') this.fail('KERAS_DYNAMIC_SHAPE', 'the channel dimension is not fixed');
    return c;
  }

  has(key: string): boolean { return this.cfg[key] !== undefined && this.cfg[key] !== null; }

  num(key: string, dflt?: number): number {
    const v = this.cfg[key] ?? dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail('KERAS_CONFIG', `'${key}' must be a number, got ${JSON.stringify(v)}`);
    return v;
  }

  /** A positive integer (filters, units, depth_multiplier...). */
  dim(key: string, dflt?: number): number {
    const v = this.cfg[key] ?? dflt;
    if (!Number.isInteger(v) || (v as number) <= 0) this.fail('KERAS_BAD_DIM', `'${key}' must be a positive integer, got ${JSON.stringify(v)}`);
    return v as number;
  }

  /** A pair of positive integers given as n or [a, b] (kernel_size, strides, pool_size...). */
  pair(key: string, dflt?: number): [number, number] {
    const raw = this.cfg[key] ?? dflt;
    const v = typeof raw === 'number' ? [raw, raw] : raw;
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isInteger(x) && x > 0)) {
      this.fail('KERAS_BAD_DIM', `'${key}' must be 2 positive integers, got ${JSON.stringify(raw)}`);
    }
    return [v[0], v[1]];
  }

  str<T extends string>(key: string, allowed: readonly T[], dflt?: T): T {
    const v = this.cfg[key] ?? dflt;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v.toLowerCase())) {
      this.fail('KERAS_UNSUPPORTED_CONFIG', `'${key}' = ${JSON.stringify(v)} is not supported (supported: ${allowed.join(', ')})`);
    }
    return v.toLowerCase() as T;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.cfg[key] ?? dflt;
    if (typeof v !== 'boolean') this.fail('KERAS_CONFIG', `'${key}' must be true/false`);
    return v;
  }

  channelsLast(): void {
    const f = this.cfg.data_format;
    if (f !== undefined && f !== null && f !== 'channels_last') {
      this.fail('KERAS_UNSUPPORTED_CONFIG', `data_format '${String(f)}' is not supported`, 'use channels_last (the Keras default)');
    }
  }

  /** A weight by short name with the expected shape; fails naming the layer when missing. */
  weight(short: string, shape?: number[]): Tensor {
    const t = this.weights.get(short);
    if (!t) this.fail('KERAS_WEIGHTS', `weight '${short}' is missing (has: ${[...this.weights.keys()].join(', ') || 'none'})`, 'the weights do not match the model config; re-save the model');
    if (shape && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
      this.fail('KERAS_WEIGHTS', `weight '${short}' has shape [${t.shape.join(',')}], expected [${shape.join(',')}]`);
    }
    return t;
  }

  optWeight(short: string): Tensor | undefined { return this.weights.get(short); }
}
