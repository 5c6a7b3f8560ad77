// The magic registry: name -> MagicSpec, built from the family table (table.ts). Lookups of
// unknown names fail with a BwvmError listing the valid names and a did-you-mean.
import { BwvmError } from '../util/errors.js';
import { didYouMean } from './suggest.js';
import type { MagicFamily, MagicSpec } from './types.js';

export class MagicRegistry {
  private readonly magics = new Map<string, MagicSpec>();
  private readonly familyOf = new Map<string, string>();

  constructor(families: readonly MagicFamily[] = []) {
    for (const f of families) this.addFamily(f);
  }

  addFamily(family: MagicFamily): void {
    for (const m of family.magics) this.register(m, family.name);
  }

  register(spec: MagicSpec, family = 'user'): void {
    if (!/^[A-Za-z_]\w*$/.test(spec.name)) throw new BwvmError('magic-bad-name', `magic name '${spec.name}' must be an identifier`);
    if (this.magics.has(spec.name)) {
      throw new BwvmError('magic-duplicate', `magic %${spec.name} is registered twice (families ${this.familyOf.get(spec.name)} and ${family})`, {
        hint: 'rename one of them in its family file',
      });
    }
    const seen = new Set<string>();
    for (const f of spec.flags) {
      for (const k of [`--${f.name}`, ...(f.alias ? [`-${f.alias}`] : [])]) {
        if (seen.has(k)) throw new BwvmError('magic-duplicate-flag', `magic %${spec.name} declares ${k} twice`);
        seen.add(k);
      }
    }
    this.magics.set(spec.name, spec);
    this.familyOf.set(spec.name, family);
  }

  has(name: string): boolean {
    return this.magics.has(name);
  }

  get(name: string): MagicSpec | undefined {
    return this.magics.get(name);
  }

  family(name: string): string | undefined {
    return this.familyOf.get(name);
  }

  /** The spec for `name` used as a line (`%`) or cell (`%%`) magic; throws a helpful BwvmError. */
  lookup(name: string, as: 'line' | 'cell' = 'line'): MagicSpec {
    const spec = this.magics.get(name);
    const prefix = as === 'cell' ? '%%' : '%';
    if (!spec) {
      const valid = this.names(as);
      throw new BwvmError('magic-unknown', `unknown magic ${prefix}${name}.${didYouMean(name, valid, (s) => prefix + s)}`, {
        hint: `valid ${as} magics: ${valid.map((s) => prefix + s).join(', ') || '(none)'}; %lsmagic lists them all`,
      });
    }
    if (as === 'cell' && spec.kind === 'line') {
      throw new BwvmError('magic-not-cell', `%${name} is a line magic, not a cell magic`, { hint: `write %${name} ARGS on its own line, not %%${name}` });
    }
    if (as === 'line' && spec.kind === 'cell') {
      throw new BwvmError('magic-not-line', `%%${name} is a cell magic: it must be the first line of a cell`, { hint: `start the cell with %%${name}` });
    }
    return spec;
  }

  /** Sorted names, optionally only those usable as line or cell magics. */
  names(as?: 'line' | 'cell'): string[] {
    return [...this.magics.values()]
      .filter((m) => as === undefined || m.kind === 'both' || m.kind === as)
      .map((m) => m.name)
      .sort();
  }

  list(): MagicSpec[] {
    return this.names().map((n) => this.magics.get(n)!);
  }
}
