// TypedStore: typed keys per kind, current entry, deletion, clearing.
import { describe, expect, it } from 'vitest';
import { storeKey, TypedStore } from '../../src/session/store.js';

interface Plan { ratio: number }
const PLANS = storeKey<Plan>('plan');
const PROGRAMS = storeKey<string>('program');

describe('TypedStore', () => {
  it('stores typed entries per kind and tracks the current one', () => {
    const s = new TypedStore();
    s.set(PLANS, 'a', { ratio: 0.5 });
    s.set(PLANS, 'b', { ratio: 0.3 });
    s.set(PROGRAMS, 'a', 'asm');
    const p: Plan | undefined = s.get(PLANS, 'a');
    expect(p).toEqual({ ratio: 0.5 });
    expect(s.get(PROGRAMS, 'a')).toBe('asm');
    expect(s.current(PLANS)).toEqual({ name: 'b', value: { ratio: 0.3 } });
    expect(s.names(PLANS)).toEqual(['a', 'b']);
    s.set(PLANS, 'a', { ratio: 0.1 });
    expect(s.names(PLANS)).toEqual(['b', 'a']);
    expect(s.current(PLANS)?.name).toBe('a');
    expect(s.entries(PLANS)).toEqual([['b', { ratio: 0.3 }], ['a', { ratio: 0.1 }]]);
    expect(s.kindsInUse().sort()).toEqual(['plan', 'program']);
  });
  it('deleting the current entry falls back to the newest remaining', () => {
    const s = new TypedStore();
    s.set(PLANS, 'a', { ratio: 1 });
    s.set(PLANS, 'b', { ratio: 2 });
    expect(s.delete(PLANS, 'b')).toBe(true);
    expect(s.current(PLANS)?.name).toBe('a');
    expect(s.delete(PLANS, 'b')).toBe(false);
    s.delete(PLANS, 'a');
    expect(s.current(PLANS)).toBeUndefined();
    expect(s.has(PLANS, 'a')).toBe(false);
  });
  it('deleteEverywhere and clear', () => {
    const s = new TypedStore();
    s.set(PLANS, 'x', { ratio: 1 });
    s.set(PROGRAMS, 'x', 'p');
    s.set(PROGRAMS, 'y', 'q');
    expect(s.deleteEverywhere('x').sort()).toEqual(['plan', 'program']);
    s.clear(PROGRAMS);
    expect(s.names(PROGRAMS)).toEqual([]);
    s.set(PLANS, 'z', { ratio: 1 });
    s.clear();
    expect(s.kindsInUse()).toEqual([]);
  });
});
