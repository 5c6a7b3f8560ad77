// Shape arithmetic over possibly-symbolic dims: element counts, numpy broadcasting, axis
// normalization, and the "treat symbols as 1" convention used for per-sample costs.
import type { Dim, Shape } from './types.js';
import { BwvmError } from '../util/errors.js';

export const isStatic = (s: Shape): s is number[] => s.every((d) => typeof d === 'number');

/** Element count; symbolic dims count as 1 (costs are then per sample). */
export function numel(s: Shape): number {
  let n = 1;
  for (const d of s) n *= typeof d === 'number' ? d : 1;
  return n;
}

export function dimMul(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === 1) return b;
  if (b === 1) return a;
  return `${a}*${b}`;
}

export function sameDim(a: Dim, b: Dim): boolean {
  return a === b;
}

export const shapeStr = (s: Shape): string => `[${s.join(',')}]`;

/** Normalize a possibly-negative axis against `rank` (inclusive upper bound when `forInsert`). */
export function normAxis(axis: number, rank: number, where: string, forInsert = false): number {
  const r = forInsert ? rank + 1 : rank;
  const a = axis < 0 ? axis + r : axis;
  if (!Number.isInteger(a) || a < 0 || a >= r) {
    throw new BwvmError('IR_AXIS', `${where}: axis ${axis} out of range for rank ${rank}`);
  }
  return a;
}

/** numpy-style broadcast of several shapes. */
export function broadcastShapes(shapes: Shape[], where: string): Shape {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const k = s.length - rank + i;
      if (k < 0) continue;
      const e = s[k]!;
      if (e === 1) continue;
      if (d === 1) d = e;
      else if (d !== e) {
        if (typeof d === 'number' && typeof e === 'number') {
          throw new BwvmError('IR_SHAPE', `${where}: shapes ${shapes.map(shapeStr).join(' and ')} do not broadcast`);
        }
        if (typeof d !== 'number') d = e; // prefer a concrete dim over a symbol
      }
    }
    out.push(d);
  }
  return out;
}

/** Row-major strides of a concrete shape. */
export function strides(s: number[]): number[] {
  const st = new Array<number>(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) { st[i] = acc; acc *= s[i]!; }
  return st;
}

export function concreteShape(s: Shape, where: string): number[] {
  if (!isStatic(s)) throw new BwvmError('IR_SYMBOLIC', `${where}: shape ${shapeStr(s)} has symbolic dims`, { hint: 'bind the batch size (e.g. --input-shape) before this step' });
  return s;
}
