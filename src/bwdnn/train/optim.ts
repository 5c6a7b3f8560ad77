// Optimizers over named parameter tensors: SGD with momentum (optionally Nesterov) and Adam, both
// with L2 weight decay applied to weight tensors only (not to biases and BN parameters, rank 1).
import type { Initializer } from '../../ir/types.js';

export interface Optimizer {
  readonly name: string;
  /** Apply one update with learning rate lr; grads are by parameter name. */
  step(params: Map<string, Initializer>, grads: Map<string, Float32Array>, lr: number): void;
}

export interface SgdOptions { momentum?: number; weightDecay?: number; nesterov?: boolean }
export interface AdamOptions { beta1?: number; beta2?: number; eps?: number; weightDecay?: number }

const decays = (p: Initializer) => p.shape.length > 1;

export function sgd(o: SgdOptions = {}): Optimizer {
  const mom = o.momentum ?? 0.9, wd = o.weightDecay ?? 0, nesterov = o.nesterov ?? false;
  const vel = new Map<string, Float32Array>();
  return {
    name: 'sgd',
    step(params, grads, lr) {
      for (const [name, g] of grads) {
        const p = params.get(name)!, w = p.data as Float32Array;
        let v = vel.get(name);
        if (!v) vel.set(name, (v = new Float32Array(w.length)));
        const d = decays(p) ? wd : 0;
        for (let i = 0; i < w.length; i++) {
          const gi = g[i]! + d * w[i]!;
          v[i] = mom * v[i]! + gi;
          w[i] -= lr * (nesterov ? gi + mom * v[i]! : v[i]!);
        }
      }
    },
  };
}

export function adam(o: AdamOptions = {}): Optimizer {
  const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999, eps = o.eps ?? 1e-8, wd = o.weightDecay ?? 0;
  const m1 = new Map<string, Float32Array>(), m2 = new Map<string, Float32Array>();
  let t = 0;
  return {
    name: 'adam',
    step(params, grads, lr) {
      t++;
      const c1 = 1 - b1 ** t, c2 = 1 - b2 ** t;
      for (const [name, g] of grads) {
        const p = params.get(name)!, w = p.data as Float32Array;
        let m = m1.get(name), v = m2.get(name);
        if (!m) m1.set(name, (m = new Float32Array(w.length)));
        if (!v) m2.set(name, (v = new Float32Array(w.length)));
        const d = decays(p) ? wd : 0;
        for (let i = 0; i < w.length; i++) {
          const gi = g[i]! + d * w[i]!;
          m[i] = b1 * m[i]! + (1 - b1) * gi;
          v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
          w[i] -= (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
        }
      }
    },
  };
}
