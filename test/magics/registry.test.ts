// The registry and the family table: lookups, kinds, errors naming valid magics, duplicates.
import { describe, expect, it } from 'vitest';
import { MagicRegistry } from '../../src/magics/registry.js';
import { createRegistry, MAGIC_FAMILIES } from '../../src/magics/table.js';
import type { MagicSpec } from '../../src/magics/types.js';
import { BwvmError } from '../../src/util/errors.js';

const mk = (name: string, kind: MagicSpec['kind'] = 'line', flags: MagicSpec['flags'] = []): MagicSpec =>
  ({ name, kind, summary: name, usage: `%${name}`, flags, positionals: [], run: () => name });

describe('MagicRegistry', () => {
  it('the table registers the core magics', () => {
    const r = createRegistry();
    expect(r.names()).toEqual(expect.arrayContaining(['lsmagic', 'help', 'time', 'timeit', 'env', 'cd']));
    expect(MAGIC_FAMILIES.every((f) => f.magics.length > 0 && f.name.length > 0)).toBe(true);
    expect(r.family('timeit')).toBe('core.timeit');
    expect(r.names('cell')).toEqual(expect.arrayContaining(['time', 'timeit']));
    expect(r.names('cell')).not.toContain('cd');
  });
  it('every core magic has a usage and documented flags', () => {
    for (const m of createRegistry().list()) {
      expect(m.usage).toContain(`%${m.name}`);
      for (const f of m.flags) expect(f.help.length).toBeGreaterThan(0);
    }
  });
  it('extra families join the table', () => {
    const r = createRegistry([{ name: 'test', magics: [mk('zap')] }]);
    expect(r.get('zap')?.name).toBe('zap');
  });
  it('unknown names fail with did-you-mean and the valid list', () => {
    const r = createRegistry();
    try {
      r.lookup('timit');
      throw new Error('no throw');
    } catch (e) {
      expect(e).toBeInstanceOf(BwvmError);
      const b = e as BwvmError;
      expect(b.code).toBe('magic-unknown');
      expect(b.message).toContain('unknown magic %timit');
      expect(b.message).toContain('Did you mean %timeit');
      expect(b.hint).toContain('%lsmagic');
      expect(b.hint).toContain('%cd');
    }
  });
  it('checks line vs cell use', () => {
    const r = new MagicRegistry([{ name: 'f', magics: [mk('l', 'line'), mk('c', 'cell'), mk('b', 'both')] }]);
    expect(() => r.lookup('l', 'cell')).toThrow(/line magic, not a cell magic/);
    expect(() => r.lookup('c', 'line')).toThrow(/must be the first line/);
    expect(r.lookup('b', 'cell').name).toBe('b');
    expect(r.lookup('b', 'line').name).toBe('b');
  });
  it('rejects duplicate magics and flags', () => {
    expect(() => new MagicRegistry([{ name: 'a', magics: [mk('x')] }, { name: 'b', magics: [mk('x')] }])).toThrow(/registered twice/);
    const dup = mk('y', 'line', [{ name: 'n', type: 'number', help: 'h' }, { name: 'm', alias: 'n', type: 'number', help: 'h' }]);
    expect(() => new MagicRegistry([{ name: 'a', magics: [mk('z', 'line', [{ name: 'n', alias: 'x', type: 'number', help: 'h' }, { name: 'q', alias: 'x', type: 'string', help: 'h' }])] }])).toThrow(/-x twice/);
    expect(() => new MagicRegistry([{ name: 'a', magics: [dup] }])).not.toThrow();
    expect(() => new MagicRegistry([{ name: 'a', magics: [mk('bad-name')] }])).toThrow(/identifier/);
  });
});
