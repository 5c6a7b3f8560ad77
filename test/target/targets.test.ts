// Target presets (peak 12.8 GFLOPS for both) and validation of user JSON targets.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TARGETS, chipWords, getTarget, loadTarget, peakFlops, peakFlopsPerCycle, resolveTarget, validateTarget } from '../../src/target/index.js';
import { isBwvmError } from '../../src/util/errors.js';

describe('presets', () => {
  test('both presets peak at 12.8 GFLOPS fp32', () => {
    // bwdsp104x: 4 macros x 8 MUL x 2 FLOP (mul + add on the paired ALU) = 64 FLOP/cycle x 200 MHz
    expect(peakFlopsPerCycle(getTarget('bwdsp104x'))).toBe(64);
    expect(peakFlops(getTarget('bwdsp104x'))).toBe(12.8e9);
    // bwdsp100: 4 macros x 4 MAC x 2 FLOP = 32 FLOP/cycle x 400 MHz
    expect(peakFlopsPerCycle(getTarget('bwdsp100'))).toBe(32);
    expect(peakFlops(getTarget('bwdsp100'))).toBe(12.8e9);
  });
  test('public figures: 6 blocks x 8 banks = 24 Mbit data, 16-slot lines, 64 registers', () => {
    for (const t of Object.values(TARGETS)) {
      expect(validateTarget(t)).toBe(t);
      expect(chipWords(t) * 32).toBe(24 * 1024 * 1024);
      expect([t.memory.blocks, t.memory.banksPerBlock, t.issueWidth, t.regsPerMacro, t.macros]).toEqual([6, 8, 16, 64, 4]);
    }
    expect(getTarget().name).toBe('bwdsp104x');
  });
  test('unknown preset names the known ones', () => {
    try { getTarget('c6678'); expect.unreachable(); } catch (e) {
      expect(isBwvmError(e, 'TARGET_UNKNOWN')).toBe(true);
      expect((e as Error).message).toMatch(/bwdsp104x, bwdsp100/);
    }
  });
});

describe('user JSON targets', () => {
  test('a target based on a preset overrides only what it names', () => {
    const t = loadTarget('{"base": "bwdsp104x", "name": "fast", "clockHz": 400e6, "units": {"MUL": 16}}');
    expect(t.name).toBe('fast');
    expect(t.units).toEqual({ ALU: 8, MUL: 16, SHF: 4, SPU: 1 });
    expect(peakFlops(t)).toBe(4 * 16 * 2 * 400e6);
    expect(getTarget('bwdsp104x').units.MUL).toBe(8); // preset untouched
  });
  const bad: Array<[string, object | string, RegExp]> = [
    ['negative clock', { base: 'bwdsp104x', clockHz: -1 }, /field 'clockHz' is -1: set it to a number >= 1/],
    ['non-integer units', { base: 'bwdsp104x', units: { ALU: 2.5 } }, /field 'units.ALU' is 2.5: set it to an integer >= 0/],
    ['too many macros', { base: 'bwdsp104x', macros: 8 }, /field 'macros' is 8: .*<= 4/],
    ['bad enum', { base: 'bwdsp104x', fpAddUnit: 'FPU' }, /field 'fpAddUnit' is "FPU": set it to one of ALU, MUL/],
    ['missing fields', { name: 'x' }, /field 'clockHz' is missing/],
    ['unknown base', { base: 'nope' }, /field 'base' is "nope"/],
    ['not JSON', '{"name": ', /not valid JSON/],
    ['missing latency', { base: 'bwdsp104x', latency: { fmac: 'slow' } }, /field 'latency.fmac'/],
  ];
  for (const [name, json, msg] of bad) {
    test(`rejected: ${name}`, () => {
      try { loadTarget(json as never, 'my.json'); expect.unreachable(); } catch (e) {
        expect(isBwvmError(e, 'TARGET_INVALID')).toBe(true);
        expect((e as Error).message).toMatch(/^my\.json: /);
        expect((e as Error).message).toMatch(msg);
      }
    });
  }
  test('resolveTarget reads a JSON file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-target-'));
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify({ base: 'bwdsp100', name: 'mine', dma: { bytesPerCycle: 32 } }));
    const t = await resolveTarget(file);
    expect([t.name, t.dma.bytesPerCycle, t.dma.latency]).toEqual(['mine', 32, 128]);
    expect((await resolveTarget('bwdsp100')).name).toBe('bwdsp100');
  });
});
