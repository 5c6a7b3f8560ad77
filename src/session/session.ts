// The per-kernel session object cells see as `session`: named magic results (session.results,
// session.last), a typed store for domain modules (models, plans, programs), the working
// directory, and session.magic(...) to run any magic from TypeScript. Memory stays bounded with
// release(name) / clearResults() / the maxResults option.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { BwvmError } from '../util/errors.js';
import { TypedStore } from './store.js';
import { CellHistory } from './history.js';

/** Runs a magic for session.magic(); installed by the cell runner (src/magics). */
export type MagicRunner = (name: string, args: string, body: string | undefined) => Promise<unknown>;

export interface SessionOptions {
  /** Keep at most this many named results (oldest dropped first). Default: unbounded. */
  maxResults?: number;
}

export class Session {
  /** Magic results by name (the magic's name unless it chose another). Null-prototype object. */
  readonly results: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  /** Store for domain state: models, plans, programs... keyed by typed StoreKeys. */
  readonly store = new TypedStore();
  /** The cells this session ran and their outputs (what %report writes). */
  readonly history = new CellHistory();
  /** The most recent result and its name. */
  last: unknown = undefined;
  lastName: string | undefined = undefined;
  private runner: MagicRunner | undefined;
  private previousDir: string | undefined;
  private readonly maxResults: number;

  constructor(opts: SessionOptions = {}) {
    this.maxResults = opts.maxResults ?? Infinity;
  }

  /** The kernel's working directory. */
  get cwd(): string {
    return process.cwd();
  }

  /** Change the kernel's working directory (`~` = home, `-` = previous); returns the new cwd. */
  chdir(path: string): string {
    const target = path === '-' ? this.previousDir : path === '~' || path === '' ? homedir() : path.replace(/^~(?=\/)/, homedir());
    if (target === undefined) throw new BwvmError('cd-no-previous', 'there is no previous directory to go back to', { hint: 'use %cd PATH first' });
    const dest = resolve(process.cwd(), target);
    const before = process.cwd();
    try {
      process.chdir(dest);
    } catch (e) {
      throw new BwvmError('cd-failed', `cannot change directory to ${dest}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
        hint: 'check that the directory exists (relative paths start at session.cwd)',
        cause: e,
      });
    }
    this.previousDir = before;
    return process.cwd();
  }

  /** Record a named result (used by the cell runner after each magic, and by domain code). */
  record(name: string, value: unknown): void {
    delete this.results[name]; // re-insert: key order is recency, oldest evicted first
    this.results[name] = value;
    this.last = value;
    this.lastName = name;
    const names = Object.keys(this.results);
    for (let i = 0; names.length - i > this.maxResults; i++) delete this.results[names[i]!];
  }

  /** Names of the stored results, oldest first. */
  resultNames(): string[] {
    return Object.keys(this.results);
  }

  /**
   * Drop the result called `name` and any store entry with that name (any kind).
   * Returns true when something was released.
   */
  release(name: string): boolean {
    let found = name in this.results;
    delete this.results[name];
    if (this.lastName === name) {
      this.last = undefined;
      this.lastName = undefined;
    }
    if (this.store.deleteEverywhere(name).length > 0) found = true;
    return found;
  }

  /** Drop every magic result (the store is kept). */
  clearResults(): void {
    for (const k of Object.keys(this.results)) delete this.results[k];
    this.last = undefined;
    this.lastName = undefined;
  }

  /** Install the function session.magic() uses (done by the cell runner). */
  setMagicRunner(runner: MagicRunner | undefined): void {
    this.runner = runner;
  }

  /**
   * Run a magic from TypeScript and get its result, e.g.
   *   await session.magic('timeit', '-n 100 f()')       // like the line `%timeit -n 100 f()`
   *   await session.magic('time', '', 'await train()')  // like a `%%time` cell
   * The name may carry its % / %% prefix.
   */
  async magic(name: string, args = '', body?: string): Promise<unknown> {
    if (!this.runner) throw new BwvmError('session-no-runner', 'session.magic() needs a running kernel cell runner', { hint: 'call it from a notebook cell' });
    return this.runner(name.replace(/^%{1,2}/, ''), args, body);
  }
}
