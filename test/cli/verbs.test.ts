// The CLI verb table and main(): every verb well formed, help and version, unknown verbs named
// with the valid ones, `bwvm kernel` argument errors.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { findVerb, VERBS, type Verb } from '../../src/cli/verbs.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
  return { out: () => out.join(''), err: () => err.join('') };
}

describe('CLI verbs', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('has unique, well-formed rows including install and kernel', () => {
    const names = VERBS.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['install', 'kernel']));
    for (const v of VERBS) {
      expect(v.name).toMatch(/^[a-z][a-z-]*$/);
      expect(v.summary.length).toBeGreaterThan(10);
      expect(v.usage).toContain(`bwvm ${v.name}`);
      expect(typeof v.run).toBe('function');
    }
    expect(findVerb('kernel')?.name).toBe('kernel');
    expect(findVerb('nope')).toBeUndefined();
  });

  it('bwvm --help and bwvm help list every verb with its summary', async () => {
    for (const args of [['--help'], ['help'], ['-h']]) {
      const c = capture();
      expect(await main(args)).toBe(0);
      for (const v of VERBS) expect(c.out()).toContain(v.name), expect(c.out()).toContain(v.summary);
      vi.restoreAllMocks();
    }
  });

  it('bwvm help VERB and VERB --help print its usage', async () => {
    let c = capture();
    expect(await main(['help', 'install'])).toBe(0);
    expect(c.out()).toContain('usage: bwvm install');
    vi.restoreAllMocks();
    c = capture();
    expect(await main(['kernel', '--help'])).toBe(0);
    expect(c.out()).toContain('usage: bwvm kernel');
  });

  it('an unknown verb is an error naming the valid verbs', async () => {
    const c = capture();
    expect(await main(['frobnicate'])).toBe(2);
    expect(c.err()).toContain("unknown verb 'frobnicate'");
    for (const v of VERBS) expect(c.err()).toContain(v.name);
  });

  it('no verb prints the overview and fails; --version prints the version', async () => {
    let c = capture();
    expect(await main([])).toBe(2);
    expect(c.err()).toContain('usage: bwvm VERB');
    vi.restoreAllMocks();
    c = capture();
    expect(await main(['--version'])).toBe(0);
    expect(c.out()).toMatch(/^bwvm \d+\.\d+\.\d+/);
  });

  it('dispatches to the row and reports a throwing verb as exit 1', async () => {
    const seen: string[][] = [];
    const verbs: Verb[] = [
      { name: 'echo', summary: 'records its arguments', usage: 'usage: bwvm echo', run: async (a) => { seen.push(a); return 3; } },
      { name: 'boom', summary: 'always throws an error', usage: 'usage: bwvm boom', run: async () => { throw new Error('kaput'); } },
    ];
    expect(await main(['echo', 'a', '-b'], verbs)).toBe(3);
    expect(seen).toEqual([['a', '-b']]);
    const c = capture();
    expect(await main(['boom'], verbs)).toBe(1);
    expect(c.err()).toContain('bwvm boom: kaput');
  });

  it('bwvm kernel without -f, or with a bad connection file, fails with a clear message', async () => {
    let c = capture();
    expect(await main(['kernel'])).toBe(2);
    expect(c.err()).toContain('missing -f CONNECTION_FILE');
    vi.restoreAllMocks();
    c = capture();
    expect(await main(['kernel', '-f', '/nonexistent/conn.json'])).toBe(1);
    expect(c.err()).toContain('cannot read connection file /nonexistent/conn.json');
    vi.restoreAllMocks();
    c = capture();
    expect(await main(['kernel', '-f', 'x.json', '--max-message-mib', 'lots'])).toBe(2);
    expect(c.err()).toContain('--max-message-mib must be a positive number');
  });
});
