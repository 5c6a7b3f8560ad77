// `bwvm install`: kernelspec content (absolute node + bin/bwvm.js argv, interrupt_mode, real PNG
// logos), target directories (--prefix, --user with JUPYTER_DATA_DIR, --sys-prefix), argument
// errors, and the real `jupyter kernelspec list` finding the installed spec.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { BWVM_BIN, installKernelSpec, kernelsDir } from '../../src/cli/verb-install.js';
import { describeWith } from '../support/prereqs.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'bwvm-install-'));

describe('bwvm install', () => {
  it('--prefix P writes kernel.json and both logos into P/share/jupyter/kernels/bwvm', async () => {
    const p = tmp();
    expect(await main(['install', '--prefix', p])).toBe(0);
    const dir = join(p, 'share', 'jupyter', 'kernels', 'bwvm');
    const spec = JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8'));
    expect(spec.argv).toEqual([process.execPath, BWVM_BIN, 'kernel', '-f', '{connection_file}']);
    expect(isAbsolute(spec.argv[0]) && isAbsolute(spec.argv[1])).toBe(true);
    expect(existsSync(spec.argv[1])).toBe(true);
    expect(spec.display_name).toBe('TypeScript (bwvm)');
    expect(spec.language).toBe('typescript');
    expect(spec.interrupt_mode).toBe('message');
    expect(spec.metadata).toBeTypeOf('object');
    for (const [name, size] of [['logo-32x32.png', 32], ['logo-64x64.png', 64]] as const) {
      const png = readFileSync(join(dir, name));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });

  it('--name N installs under that directory name', async () => {
    const p = tmp();
    expect(await main(['install', '--prefix', p, '--name', 'bwvm-dev'])).toBe(0);
    expect(existsSync(join(p, 'share', 'jupyter', 'kernels', 'bwvm-dev', 'kernel.json'))).toBe(true);
    expect(await main(['install', '--prefix', p, '--name', '../evil'])).toBe(1);
  });

  it('--user respects JUPYTER_DATA_DIR, then XDG_DATA_HOME, then ~/.local/share/jupyter', () => {
    const d = tmp();
    const dir = installKernelSpec({ kind: 'user' }, 'bwvm', { JUPYTER_DATA_DIR: d });
    expect(dir).toBe(join(d, 'kernels', 'bwvm'));
    expect(existsSync(join(dir, 'kernel.json'))).toBe(true);
    expect(kernelsDir({ kind: 'user' }, { XDG_DATA_HOME: '/x/data' })).toBe('/x/data/jupyter/kernels');
    expect(kernelsDir({ kind: 'user' }, {})).toMatch(/\.local\/share\/jupyter\/kernels$/);
  });

  it('--sys-prefix asks /usr/bin/python3 for sys.prefix', () => {
    const r = spawnSync('/usr/bin/python3', ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' });
    if (r.status !== 0) return; // no system python on this machine: nothing to compare with
    expect(kernelsDir({ kind: 'sys-prefix' })).toBe(join(r.stdout.trim(), 'share', 'jupyter', 'kernels'));
  });

  it('rejects two targets at once and unknown options', async () => {
    expect(await main(['install', '--user', '--prefix', '/tmp/x'])).toBe(2);
    expect(await main(['install', '--bogus'])).toBe(2);
  });
});

describeWith(['jupyter'], 'bwvm install + jupyter kernelspec list', () => {
  it('jupyter kernelspec list --json shows bwvm from the prefix', async () => {
    const p = tmp();
    expect(await main(['install', '--prefix', p])).toBe(0);
    const r = spawnSync('/usr/bin/jupyter', ['kernelspec', 'list', '--json'], {
      encoding: 'utf8', env: { ...process.env, JUPYTER_PATH: join(p, 'share', 'jupyter'), JUPYTER_DATA_DIR: join(p, 'data') },
    });
    expect(r.status, r.stderr).toBe(0);
    const specs = JSON.parse(r.stdout).kernelspecs;
    expect(specs.bwvm.resource_dir).toBe(join(p, 'share', 'jupyter', 'kernels', 'bwvm'));
    expect(specs.bwvm.spec.display_name).toBe('TypeScript (bwvm)');
    expect(specs.bwvm.spec.interrupt_mode).toBe('message');
  });
});
