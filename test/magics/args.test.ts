// Argument parsing against a magic's declared flags: values, booleans, lists, ranges, errors.
import { describe, expect, it } from 'vitest';
import { parseArgs, parseRange } from '../../src/magics/args.js';
import type { MagicSpec } from '../../src/magics/types.js';
import { BwvmError } from '../../src/util/errors.js';

const spec: MagicSpec = {
  name: 'compress', kind: 'line', summary: 's', usage: '%compress [flags] MODEL [REST...]',
  flags: [
    { name: 'flops', type: 'number', help: 'FLOPs ratio', default: 0.5 },
    { name: 'strategy', alias: 's', type: 'string', help: 'strategy' },
    { name: 'verbose', alias: 'v', type: 'boolean', help: 'talk' },
    { name: 'emit', type: 'list', help: 'outputs' },
    { name: 'ratios', type: 'range', help: 'ratios' },
    { name: 'offset', type: 'number', help: 'offset' },
  ],
  positionals: [{ name: 'model', help: 'model', optional: true }, { name: 'rest', help: 'rest', optional: true, rest: true }],
  run: () => undefined,
};

function err(f: () => unknown): BwvmError {
  try {
    f();
  } catch (e) {
    return e as BwvmError;
  }
  throw new Error('did not throw');
}

describe('parseArgs', () => {
  it('applies defaults', () => {
    const a = parseArgs(spec, '');
    expect(a.num('flops')).toBe(0.5);
    expect(a.bool('verbose')).toBe(false);
    expect(a.has('flops')).toBe(false);
    expect(a.list('emit')).toEqual([]);
  });
  it('reads --flag value, --flag=value, aliases and booleans', () => {
    const a = parseArgs(spec, '--flops 0.25 -s=auto -v --emit asm,c --emit=bin m.onnx');
    expect(a.flags).toMatchObject({ flops: 0.25, strategy: 'auto', verbose: true, emit: ['asm', 'c', 'bin'] });
    expect(a.pos('model')).toBe('m.onnx');
    expect(a.has('flops')).toBe(true);
    expect(parseArgs(spec, '--verbose=false').bool('verbose')).toBe(false);
    expect(parseArgs(spec, '-v --no-verbose').bool('verbose')).toBe(false);
  });
  it('accepts negative numbers as values', () => {
    expect(parseArgs(spec, '--offset -3').num('offset')).toBe(-3);
  });
  it('parses ranges, inclusive of the stop, float-clean', () => {
    expect(parseArgs(spec, '--ratios 0:0.9:0.1').range('ratios')).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(parseRange('1:3')).toEqual([1, 2, 3]);
    expect(parseRange('5:1:-2')).toEqual([5, 3, 1]);
    expect(parseRange('1,2,4:8:2')).toEqual([1, 2, 4, 6, 8]);
    expect(() => parseRange('1:x')).toThrow(/not a number/);
    expect(() => parseRange('1:5:-1')).toThrow(/never gets/);
  });
  it('quoted values and -- keep dashes', () => {
    expect(parseArgs(spec, `-s '--weird' -- --notaflag`).flags.strategy).toBe('--weird');
    expect(parseArgs(spec, `-- --notaflag`).pos('model')).toBe('--notaflag');
  });
  it('a rest positional takes the raw remainder of the line', () => {
    const a = parseArgs(spec, `-v m.onnx  f("a b",  'c') + 1 `);
    expect(a.pos('rest')).toBe(`f("a b",  'c') + 1`);
  });
  it('names valid flags and a did-you-mean for an unknown flag', () => {
    const e = err(() => parseArgs(spec, '--flop 3'));
    expect(e).toBeInstanceOf(BwvmError);
    expect(e.code).toBe('magic-unknown-flag');
    expect(e.message).toContain('%compress has no flag --flop');
    expect(e.message).toContain('Did you mean --flops');
    expect(e.hint).toContain('-s/--strategy');
    expect(e.hint).toContain('--ratios');
  });
  it('rejects bad values and missing values', () => {
    expect(err(() => parseArgs(spec, '--flops abc')).code).toBe('magic-bad-flag-value');
    expect(err(() => parseArgs(spec, '--flops')).code).toBe('magic-missing-flag-value');
    expect(err(() => parseArgs(spec, '--flops --verbose')).code).toBe('magic-missing-flag-value');
    expect(err(() => parseArgs(spec, '--verbose=maybe')).code).toBe('magic-bad-flag-value');
  });
  it('rejects extra and missing positionals with the usage', () => {
    const one: MagicSpec = { ...spec, positionals: [{ name: 'path', help: 'a file' }] };
    const e = err(() => parseArgs(one, ''));
    expect(e.code).toBe('magic-missing-argument');
    expect(e.hint).toContain('usage: %compress');
    expect(err(() => parseArgs(one, 'a b')).code).toBe('magic-extra-argument');
  });
});
