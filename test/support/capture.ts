// Runs an in-process CLI verb (argv -> exit status) with process.stdout/stderr captured, for tests
// of `bwvm` verbs that do not start a child process.
import { vi } from 'vitest';

export async function captureVerb(verb: (argv: string[]) => Promise<number>, argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { stdout += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { stderr += String(s); return true; });
  try {
    return { status: await verb(argv), stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
