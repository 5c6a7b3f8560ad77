// `bwvm asm` and `bwvm sim` verbs on real files: assemble to an image, simulate the image and the
// source, errors with codes and exit statuses.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { asmVerb } from '../../src/cli/verb-asm.js';
import { simVerb } from '../../src/cli/verb-sim.js';

const SRC = `.data
v: .float 1, 2, 3, 4
out: .space 1
.text
    u0 = v || w0 = out
    xyzt r1 = [u0+=4,1]
    xyzt fr2 = fr1 * fr1
    xyzt fr3 = sum fr2
    [w0+=0,0] = xr3
    halt
`;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
  return { out: () => out.join(''), err: () => err.join('') };
}

describe('bwvm asm / bwvm sim', () => {
  afterEach(() => { vi.restoreAllMocks(); });
  const dir = mkdtempSync(join(tmpdir(), 'bwvm-sim-'));
  const file = join(dir, 'sq.s');
  writeFileSync(file, SRC);

  test('asm writes an image that sim runs; sim also runs the source', async () => {
    const io = capture();
    expect(await asmVerb([file, '-o', join(dir, 'sq.bwx')])).toBe(0);
    expect(io.out()).toMatch(/6 execution lines/);
    expect(readFileSync(join(dir, 'sq.bwx')).subarray(0, 4).toString()).toBe('BWVM');
    expect(await simVerb([join(dir, 'sq.bwx'), '--show', 'out'])).toBe(0);
    expect(io.out()).toMatch(/bwdsp104x: 9 cycles/);
    expect(io.out()).toContain('out = [30]');
    expect(await simVerb([file, '--target', 'bwdsp100', '--json'])).toBe(0);
    const json = JSON.parse(io.out().slice(io.out().indexOf('{')));
    // bwdsp100 latencies: load 3, fmul 3, reduce 3 -> 0,1,(4),(7),(10),11 -> 12 cycles
    expect(json.profile).toMatchObject({ target: 'bwdsp100', cycles: 12 });
  });

  test('asm --list prints the canonical disassembly', async () => {
    const io = capture();
    expect(await asmVerb([file, '--list'])).toBe(0);
    expect(io.out()).toContain('xyzt r1 = [u0+=4,1]');
  });

  test('errors: assembly error, fault, usage', async () => {
    const io = capture();
    const bad = join(dir, 'bad.s');
    writeFileSync(bad, '  xr1 = r2 +* r3\n');
    expect(await asmVerb([bad])).toBe(1);
    expect(io.err()).toMatch(/\[ASM_SYNTAX\] .*bad\.s:1:3/);
    const spin = join(dir, 'spin.s');
    writeFileSync(spin, 'l:\n  b l\n');
    expect(await simVerb([spin, '--max-cycles', '1000'])).toBe(1);
    expect(io.err()).toMatch(/\[SIM_CYCLE_LIMIT\]/);
    expect(await simVerb([])).toBe(2);
    expect(await simVerb([file, '--mode', 'slow'])).toBe(2);
  });
});
