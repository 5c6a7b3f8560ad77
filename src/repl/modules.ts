// Module loading for cells: `import ... from 'x'` and `import('x')` resolve from the kernel's
// working directory first, then from bwvm's own node_modules; 'bwvm' is the project's public API
// (dist/index.js). Static imports are loaded (real ESM `import()`) before the cell runs, so the
// cell itself stays synchronous and interruptible.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Root of the bwvm package (the folder whose package.json is named "bwvm"). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'bwvm') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('bwvm package root not found');
    dir = up;
  }
}

export class ModuleNotFound extends Error {
  constructor(readonly spec: string, searched: string[]) {
    super(`Cannot find module '${spec}' (searched ${searched.join(', ')}); install it with \`npm install ${spec}\` in the notebook's folder`);
    this.name = 'ModuleNotFoundError';
  }
}

export class ModuleLoader {
  private readonly cache = new Map<string, unknown>();
  private readonly raw = new Map<string, Record<string, unknown>>();
  private readonly root = packageRoot();

  constructor(readonly cwd: string) {}

  /** Absolute file URL (or `node:` builtin) a specifier resolves to. */
  resolve(spec: string): string {
    if (isBuiltin(spec)) return spec.startsWith('node:') ? spec : `node:${spec}`;
    if (spec === 'bwvm') {
      const api = join(this.root, 'dist', 'index.js');
      if (!existsSync(api)) throw new Error(`bwvm's public API is not built (${api} is missing); run \`npm run build\` in ${this.root}`);
      return pathToFileURL(api).href;
    }
    if (spec.startsWith('.') || isAbsolute(spec)) return pathToFileURL(resolve(this.cwd, spec)).href;
    const bases = [join(this.cwd, 'noop.js'), join(this.root, 'noop.js')];
    for (const base of bases) {
      try {
        return pathToFileURL(createRequire(base).resolve(spec)).href;
      } catch {
        // ESM-only packages (exports with only an "import" condition) fail require.resolve.
        try {
          return import.meta.resolve(spec, pathToFileURL(base).href);
        } catch { /* next base */ }
      }
    }
    throw new ModuleNotFound(spec, [join(this.cwd, 'node_modules'), join(this.root, 'node_modules')]);
  }

  /** Load (once) the namespace of a module. CommonJS modules marked __esModule get TS interop. */
  async load(spec: string): Promise<unknown> {
    if (this.cache.has(spec)) return this.cache.get(spec);
    const url = this.resolve(spec);
    const raw = (await import(url)) as Record<string, unknown>;
    const ns = interop(raw);
    this.raw.set(spec, raw);
    this.cache.set(spec, ns);
    return ns;
  }

  /** A module loaded earlier by load() (what rewritten static imports call). */
  loaded(spec: string): unknown {
    if (!this.cache.has(spec)) throw new Error(`module '${spec}' was not preloaded`);
    return this.cache.get(spec);
  }

  /** `import x = require('m')`: the CommonJS view of a preloaded module. */
  required(spec: string): unknown {
    this.loaded(spec);
    const ns = this.raw.get(spec)!;
    return ns['module.exports'] ?? ns.default ?? ns;
  }
}

function interop(ns: Record<string, unknown>): unknown {
  const def = ns.default as Record<string, unknown> | undefined;
  if (def && typeof def === 'object' && def.__esModule === true) {
    return { ...def, default: def.default };
  }
  return ns;
}
