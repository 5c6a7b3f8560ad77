// Jupyter conformance: builds dist/, installs the kernelspec into a temp prefix and runs
// jupyter_kernel_test (test_bwvm_kernel.py) against the real bwvm kernel, plus interrupt and
// restart through jupyter_client's KernelManager; must exit 0.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { describeWith } from '../support/prereqs.js';
import { ensureBuilt, ROOT } from './build.js';

describeWith(['jupyter', 'kernel-test'], 'jupyter_kernel_test conformance', () => {
  it('passes every applicable KernelTests sample', async () => {
    ensureBuilt();
    const prefix = mkdtempSync(join(tmpdir(), 'bwvm-conformance-'));
    expect(await main(['install', '--prefix', prefix])).toBe(0);
    for (const d of ['runtime', 'data', 'config']) mkdirSync(join(prefix, d));
    // Run from test/conformance: from the root, unittest would resolve 'test.conformance' inside
    // Python's own stdlib 'test' package.
    const r = spawnSync('/usr/bin/python3', ['-m', 'unittest', '-v', 'test_bwvm_kernel.py'], {
      cwd: join(ROOT, 'test', 'conformance'),
      encoding: 'utf8',
      timeout: 240_000,
      env: {
        ...process.env,
        JUPYTER_PATH: join(prefix, 'share', 'jupyter'),
        JUPYTER_RUNTIME_DIR: join(prefix, 'runtime'),
        JUPYTER_DATA_DIR: join(prefix, 'data'),
        JUPYTER_CONFIG_DIR: join(prefix, 'config'),
        JUPYTER_PLATFORM_DIRS: '1',
      },
    });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/Ran \d+ tests/);
    expect(out).not.toMatch(/FAIL|ERROR/);
    for (const t of ['test_kernel_info', 'test_execute_stdout', 'test_execute_stderr', 'test_completion', 'test_is_complete', 'test_display_data', 'test_execute_result', 'test_history', 'test_inspect', 'test_clear_output', 'test_error', 'test_interrupt_kernel_stops_a_runaway_cell', 'test_restart_kernel_gives_fresh_state']) {
      // kernel log lines may land between unittest's '...' and its 'ok'
      expect(out, t).toMatch(new RegExp(`${t} \\([^)]*\\) \\.\\.\\.[^\\n]*\\n?ok`));
    }
  }, 600_000);
});
