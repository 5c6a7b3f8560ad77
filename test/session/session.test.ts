// Session: named results and last, release/clearResults/maxResults, cwd, session.magic routing.
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../src/session/session.js';
import { storeKey } from '../../src/session/store.js';
import { isBwvmError } from '../../src/util/errors.js';

const start = process.cwd();
afterEach(() => process.chdir(start));

describe('Session', () => {
  it('records results by name and the last one', () => {
    const s = new Session();
    s.record('timeit', { best: 1 });
    s.record('env', 'x');
    expect(s.results.timeit).toEqual({ best: 1 });
    expect(s.last).toBe('x');
    expect(s.lastName).toBe('env');
    expect(s.resultNames()).toEqual(['timeit', 'env']);
  });
  it('release drops a result and same-named store entries; clearResults drops all results', () => {
    const s = new Session();
    const K = storeKey<number>('model');
    s.store.set(K, 'vgg', 1);
    s.record('vgg', 2);
    s.record('other', 3);
    expect(s.release('vgg')).toBe(true);
    expect(s.results.vgg).toBeUndefined();
    expect(s.store.get(K, 'vgg')).toBeUndefined();
    expect(s.release('vgg')).toBe(false);
    s.clearResults();
    expect(s.resultNames()).toEqual([]);
    expect(s.last).toBeUndefined();
  });
  it('maxResults bounds memory, evicting the oldest', () => {
    const s = new Session({ maxResults: 2 });
    s.record('a', 1);
    s.record('b', 2);
    s.record('a', 3);
    s.record('c', 4);
    expect(s.resultNames()).toEqual(['a', 'c']);
  });
  it('chdir changes the process cwd, supports - and explains failures', () => {
    const s = new Session();
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'bwvm-sess-')));
    expect(s.chdir(dir)).toBe(dir);
    expect(s.cwd).toBe(dir);
    expect(s.chdir('-')).toBe(start);
    try {
      s.chdir(join(dir, 'missing'));
      throw new Error('no throw');
    } catch (e) {
      expect(isBwvmError(e, 'cd-failed')).toBe(true);
    }
    expect(() => new Session().chdir('-')).toThrow(/no previous directory/);
  });
  it('magic() goes through the installed runner, without % prefixes', async () => {
    const s = new Session();
    await expect(s.magic('x')).rejects.toThrow(/needs a running kernel/);
    const calls: unknown[] = [];
    s.setMagicRunner(async (name, args, body) => { calls.push([name, args, body]); return 7; });
    expect(await s.magic('%%time', '', 'f()')).toBe(7);
    expect(await s.magic('timeit', '-n 1 f()')).toBe(7);
    expect(calls).toEqual([['time', '', 'f()'], ['timeit', '-n 1 f()', undefined]]);
  });
});
