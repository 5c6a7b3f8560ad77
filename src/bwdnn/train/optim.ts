// Optimizers over named parameter tensors: SGD with momentum (optionally Nesterov) and Adam, both
// with L2 weight decay applied to weight tensors only (not to biases and BN parameters, rank 1).
// Their state (momentum / moment buffers, Adam's step count) can be exported and loaded, so a
// training run can stop after an epoch and resume with exactly the same updates.
import type { Initializer } from '../../ir/types.js';
import { BwvmError } from '../../util/errors.js';

/** An optimizer's state: per parameter its buffers (SGD: velocity; Adam: first, second moment). */
export interface OptimizerState { name: string; t: number; slots: Record<string, Float32Array[]> }

export interface Optimizer {
  readonly name: string;
  /** Apply one update with learning rate lr; grads are by parameter name. */
  step(params: Map<string, Initializer>, grads: Map<string, Float32Array>, lr: number): void;
  /** A copy of the state (buffers copied). */
  state(): OptimizerState;
  /** Replace the state with a saved one of the same optimizer. */
  load(s: OptimizerState): void;
}

function checkState(s: OptimizerState, name: string, per: number): void {
  if (s.name !== name) throw new BwvmError('OPTIMIZER_STATE', `saved optimizer state is '${s.name}', this optimizer is '${name}'`, { hint: `resume with --optimizer ${s.name}, or start without the saved state` });
  for (const [k, v] of Object.entries(s.slots)) {
    if (v.length !== per) throw new BwvmError('OPTIMIZER_STATE', `saved ${name} state of '${k}' has ${v.length} buffers, expected ${per}`);
  }
}

const copySlots = (maps: Map<string, Float32Array>[]): Record<string, Float32Array[]> =>
  Object.fromEntries([...maps[0]!.keys()].map((k) => [k, maps.map((m) => m.get(k)!.slice())]));

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
    state: () => ({ name: 'sgd', t: 0, slots: copySlots([vel]) }),
    load(st) {
      checkState(st, 'sgd', 1);
      vel.clear();
      for (const [k, [v]] of Object.entries(st.slots)) vel.set(k, v!.slice());
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
    state: () => ({ name: 'adam', t, slots: copySlots([m1, m2]) }),
    load(st) {
      checkState(st, 'adam', 2);
      m1.clear(); m2.clear();
      for (const [k, [m, v]] of Object.entries(st.slots)) { m1.set(k, m!.slice()); m2.set(k, v!.slice()); }
      t = st.t;
    },
  };
}
