// A typed key/value store grouped by kind (models, plans, programs, ...). Domain modules
// declare a key once (`export const MODELS = storeKey<Graph>('model')`) and get typed get/set;
// each kind remembers its most recently set entry as its "current" one.

/** A typed handle on one kind of entry; the type parameter is only for the compiler. */
export interface StoreKey<T> {
  readonly kind: string;
  /** Phantom field carrying T (never set). */
  readonly __type?: T;
}

export function storeKey<T>(kind: string): StoreKey<T> {
  return { kind };
}

export class TypedStore {
  private readonly kinds = new Map<string, Map<string, unknown>>();
  private readonly currents = new Map<string, string>();

  set<T>(key: StoreKey<T>, name: string, value: T): T {
    let m = this.kinds.get(key.kind);
    if (!m) this.kinds.set(key.kind, (m = new Map()));
    m.delete(name); // re-insert so iteration order is recency
    m.set(name, value);
    this.currents.set(key.kind, name);
    return value;
  }

  get<T>(key: StoreKey<T>, name: string): T | undefined {
    return this.kinds.get(key.kind)?.get(name) as T | undefined;
  }

  has<T>(key: StoreKey<T>, name: string): boolean {
    return this.kinds.get(key.kind)?.has(name) ?? false;
  }

  /** The most recently set entry of this kind that still exists. */
  current<T>(key: StoreKey<T>): { name: string; value: T } | undefined {
    const name = this.currents.get(key.kind);
    if (name === undefined) return undefined;
    const m = this.kinds.get(key.kind);
    return m?.has(name) ? { name, value: m.get(name) as T } : undefined;
  }

  /** Names of this kind, oldest first. */
  names<T>(key: StoreKey<T>): string[] {
    return [...(this.kinds.get(key.kind)?.keys() ?? [])];
  }

  entries<T>(key: StoreKey<T>): [string, T][] {
    return [...(this.kinds.get(key.kind)?.entries() ?? [])] as [string, T][];
  }

  /** Kinds that hold at least one entry. */
  kindsInUse(): string[] {
    return [...this.kinds].filter(([, m]) => m.size > 0).map(([k]) => k);
  }

  delete<T>(key: StoreKey<T>, name: string): boolean {
    const m = this.kinds.get(key.kind);
    const had = m?.delete(name) ?? false;
    if (had && this.currents.get(key.kind) === name) {
      const last = [...m!.keys()].pop();
      if (last === undefined) this.currents.delete(key.kind);
      else this.currents.set(key.kind, last);
    }
    return had;
  }

  /** Delete `name` from every kind; returns the kinds it was removed from. */
  deleteEverywhere(name: string): string[] {
    const removed: string[] = [];
    for (const kind of [...this.kinds.keys()]) if (this.delete({ kind }, name)) removed.push(kind);
    return removed;
  }

  clear<T>(key?: StoreKey<T>): void {
    if (key) {
      this.kinds.delete(key.kind);
      this.currents.delete(key.kind);
    } else {
      this.kinds.clear();
      this.currents.clear();
    }
  }
}
