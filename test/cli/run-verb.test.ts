// `bwvm run` argument handling: usage errors exit 2 with a message naming the problem.
import { describe, expect, it, vi } from 'vitest';
import { runVerb, RUN_USAGE } from '../../src/cli/verb-run.js';
import { findVerb } from '../../src/cli/verbs.js';

async function stderrOf(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err += String(chunk); return true; });
  try {
    return { code: await runVerb(args), err };
  } finally {
    spy.mockRestore();
  }
}

describe('bwvm run arguments', () => {
  it('is a row of the verb table', () => {
    expect(findVerb('run')?.usage).toBe(RUN_USAGE);
  });

  it('rejects bad usage with exit status 2', async () => {
    expect(await stderrOf([])).toMatchObject({ code: 2, err: expect.stringMatching(/expected exactly one notebook, got 0/) });
    expect(await stderrOf(['a.ipynb', '--timeout', 'soon'])).toMatchObject({ code: 2, err: expect.stringMatching(/--timeout must be a positive number/) });
    expect(await stderrOf(['a.ipynb', '--kernel-cmd', '"x"'])).toMatchObject({ code: 2, err: expect.stringMatching(/--kernel-cmd must be a JSON list/) });
    expect(await stderrOf(['a.ipynb', '--bogus'])).toMatchObject({ code: 2, err: expect.stringMatching(/bogus/) });
    expect(await stderrOf(['/nonexistent/x.ipynb'])).toMatchObject({ code: 2, err: expect.stringMatching(/cannot read notebook \/nonexistent\/x\.ipynb/) });
    // --timeout 0 means no timeout (it gets past the argument check to the notebook); negatives do not
    expect(await stderrOf(['/nonexistent/x.ipynb', '--timeout', '0'])).toMatchObject({ code: 2, err: expect.stringMatching(/cannot read notebook/) });
    expect(await stderrOf(['/nonexistent/x.ipynb', '--timeout=-5'])).toMatchObject({ code: 2, err: expect.stringMatching(/--timeout must be a positive number of seconds \(or 0: none\)/) });
  });
});
