// In-memory history of this kernel session's inputs (and text outputs), answering history_request
// the way IPython does: tail n, range session/start/stop, glob search with unique and n.
export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

/** [session, line, input] or, with output=true, [session, line, [input, output]]. */
export type HistoryTuple = [number, number, string] | [number, number, [string, string | null]];

export class HistoryStore {
  private readonly entries: HistoryEntry[] = [];

  /** `session` is this kernel's session number (IPython numbers sessions from 1). */
  constructor(readonly session = 1) {}

  add(line: number, input: string): void {
    this.entries.push({ session: this.session, line, input, output: null });
  }

  setOutput(line: number, output: string): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i]!.line === line) {
        this.entries[i]!.output = output;
        return;
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** The last n entries (all when n is undefined). */
  tail(n: number | undefined, output = false): HistoryTuple[] {
    const list = n === undefined ? this.entries : n <= 0 ? [] : this.entries.slice(-n);
    return list.map((e) => this.tuple(e, output));
  }

  /**
   * Lines start <= line < stop of `session` (0 = this session, negative = relative to it:
   * earlier sessions are not kept, so they are empty). stop undefined/0 = to the end.
   */
  range(session: number, start = 1, stop?: number, output = false): HistoryTuple[] {
    const s = session <= 0 ? this.session + session : session;
    if (s !== this.session) return [];
    return this.entries
      .filter((e) => e.line >= start && (stop === undefined || stop <= 0 || e.line < stop))
      .map((e) => this.tuple(e, output));
  }

  /** Inputs matching a glob (* any run, ? one char, [..] a class), whole-string; unique keeps the
   *  latest of identical inputs; n keeps the last n matches. */
  search(pattern: string, n?: number, unique = false, output = false): HistoryTuple[] {
    const re = globToRegExp(pattern);
    let hits = this.entries.filter((e) => re.test(e.input));
    if (unique) {
      const last = new Map<string, HistoryEntry>();
      for (const e of hits) last.set(e.input, e);
      const keep = new Set(last.values());
      hits = hits.filter((e) => keep.has(e));
    }
    if (n !== undefined && n > 0) hits = hits.slice(-n);
    return hits.map((e) => this.tuple(e, output));
  }

  private tuple(e: HistoryEntry, output: boolean): HistoryTuple {
    return output ? [e.session, e.line, [e.input, e.output]] : [e.session, e.line, e.input];
  }
}

/** SQLite GLOB semantics (what IPython's history search uses), matching the whole string. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        const negate = body.startsWith('^');
        if (negate) body = body.slice(1);
        re += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
        i = close;
      }
    } else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
