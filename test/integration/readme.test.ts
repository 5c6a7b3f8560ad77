// Keeps README.md true: the magic reference names exactly the registered magics, every `npm run X` it
// names is a script of package.json, and the notebooks and files it points at exist.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistry } from '../../src/magics/index.js';
import { ROOT } from './jupyter-env.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('README.md', () => {
  it('names only registered magics in the magic reference', () => {
    const section = readme.split('## Magic reference')[1]?.split('\n## ')[0] ?? '';
    const named = [...section.matchAll(/^\| `%%?(\w+)/gm)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(3);
    const registry = createRegistry();
    expect(named.filter((n) => !registry.has(n)), 'README names magics that do not exist').toEqual([]);
    const listed = new Set([...section.matchAll(/`%%?(\w+)`/g)].map((m) => m[1]!));
    expect(registry.list().map((s) => s.name).filter((n) => !listed.has(n)), 'registered magics missing from the README').toEqual([]);
  });

  it('names only npm scripts that exist', () => {
    const named = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(named.filter((s) => !(s in pkg.scripts))).toEqual([]);
    expect(pkg.scripts.test).toBeDefined();
    expect(pkg.scripts.prepare).toMatch(/build/);
  });

  it('points at files that exist', () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]!).filter((l) => !/^https?:/.test(l));
    expect(links.filter((l) => !existsSync(join(ROOT, l)))).toEqual([]);
    expect(readme).toContain('npx bwvm run notebooks/quickstart.ipynb --html out/quickstart.html');
    expect(existsSync(join(ROOT, 'notebooks', 'quickstart.ipynb'))).toBe(true);
  });
});
