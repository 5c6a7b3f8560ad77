// Keeps the layering of docs/ARCHITECTURE.md true: which src/ folder may import which.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, '..', 'src');

/** layer -> layers it may import (besides itself). '*' = anything. */
const ALLOWED: Record<string, string[] | '*'> = {
  util: [],
  ir: ['util'],
  frontend: ['ir', 'util'],
  bwdnn: ['ir', 'util'],
  compress: ['ir', 'bwdnn', 'target', 'util'],
  opt: ['ir', 'bwdnn', 'util'],
  memory: ['util'],
  isa: ['util'],
  target: ['isa', 'util'],
  sim: ['isa', 'target', 'util'],
  dsplib: ['isa', 'target', 'util'],
  codegen: ['ir', 'memory', 'target', 'isa', 'dsplib', 'util'],
  display: ['util'],
  jupyter: ['util'],
  repl: ['jupyter', 'util'],  // the TypeScript REPL cells run in (added by bwvm; see docs/ARCHITECTURE.md)
  session: ['ir', 'frontend', 'bwdnn', 'compress', 'opt', 'memory', 'isa', 'target', 'sim', 'dsplib', 'codegen', 'display', 'util'],
  magics: ['ir', 'frontend', 'bwdnn', 'compress', 'opt', 'memory', 'isa', 'target', 'sim', 'dsplib', 'codegen', 'display', 'session', 'repl', 'jupyter', 'util'],
  cli: '*',
  main: '*',
  'index.ts': '*',
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const layerOf = (file: string): string => relative(SRC, file).split(sep)[0]!;
const IMPORT_RE = /(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

describe('layering (docs/ARCHITECTURE.md)', () => {
  const files = walk(SRC);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('every src/ folder is a known layer', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((l) => !(l in ALLOWED));
    expect(unknown, `add these folders to ALLOWED in test/layering.test.ts and docs/ARCHITECTURE.md`).toEqual([]);
  });

  it('no file imports a layer it may not', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      const allowed = ALLOWED[from];
      if (allowed === '*' || allowed === undefined) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT_RE)) {
        const spec = m[1] ?? m[2] ?? m[3]!;
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC + sep)) continue;
        const to = layerOf(target);
        if (to !== from && !allowed.includes(to)) violations.push(`${relative(SRC, file)} imports ${to} (${spec})`);
      }
    }
    expect(violations).toEqual([]);
  });
});
