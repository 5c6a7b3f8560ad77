// The shapes every magic is written against: its declaration (MagicSpec: name, kind, flags,
// positionals, run) and the context run() receives (session, abort signal, display, streams,
// the Repl, stdin input).
import type { DisplayHandle, DisplayOptions, Displayer, MimeMetadata, PlotlyEmbedder } from '../display/index.js';
import type { Repl } from '../repl/api.js';
import type { Session } from '../session/index.js';
import type { MagicArgs } from './args.js';
import type { MagicRegistry } from './registry.js';
import type { CommManager } from './comms.js';

export type FlagType = 'string' | 'number' | 'boolean' | 'list' | 'range';

export interface FlagSpec {
  /** Long name without dashes: 'epochs' -> --epochs. */
  name: string;
  /** One-letter short form without dash: 'n' -> -n. */
  alias?: string;
  type: FlagType;
  help: string;
  default?: unknown;
}

export interface PositionalSpec {
  name: string;
  help: string;
  optional?: boolean;
  /** Takes the raw rest of the line verbatim (e.g. TypeScript code for %time). */
  rest?: boolean;
}

export type MagicKind = 'line' | 'cell' | 'both';

export interface MagicSpec {
  name: string;
  kind: MagicKind;
  /** One line for %lsmagic. */
  summary: string;
  /** Usage line(s), e.g. '%timeit [-n N] [-r R] STATEMENT'. */
  usage: string;
  flags: FlagSpec[];
  positionals: PositionalSpec[];
  /** The cell body (for %%name) is TypeScript: completion/inspection inside it go to the Repl. */
  tsBody?: boolean;
  /** Extra help text (examples) shown by %help. */
  details?: string;
  /**
   * Do the work. The returned value is stored as session.results[name] / session.last and shown
   * as the cell result when the magic is last in the cell; return `new MagicOutput(stored, shown)`
   * to store one thing and show another (shown undefined = show nothing).
   */
  run(args: MagicArgs, ctx: MagicContext): Promise<unknown> | unknown;
}

/** A family of magics living in one file; the unit the registry table lists. */
export interface MagicFamily {
  name: string;
  magics: MagicSpec[];
}

/** Return from run() to store `result` but display `shown` (undefined: display nothing). */
export class MagicOutput {
  constructor(readonly result: unknown, readonly shown?: unknown) {}
}

export interface MagicContext {
  session: Session;
  /** Aborted on interrupt: long magics check it (ctx.signal.throwIfAborted()) and stop within 1 s. */
  signal: AbortSignal;
  /** Show a value now (returns a handle for updates). */
  display(value: unknown, opts?: DisplayOptions): DisplayHandle;
  /** Update an earlier display by id. */
  update(displayId: string, value: unknown, metadata?: MimeMetadata): void;
  clearOutput(wait?: boolean): void;
  /** The displayer itself (e.g. for progress bars: new ProgressBar(ctx.displayer, n, label)). */
  displayer: Displayer;
  /** Plotly embedder of this kernel (first figure carries the library). */
  plotly: PlotlyEmbedder;
  stdout(text: string): void;
  stderr(text: string): void;
  repl: Repl;
  /** All magics (for %lsmagic / %help). */
  registry: MagicRegistry;
  /** Comm targets and kernel-opened comms (widgets, live views). */
  comms: CommManager;
  /** Ask the user on stdin; rejects with a BwvmError when the front end does not allow stdin. */
  input(prompt: string, password?: boolean): Promise<string>;
  /** 0-based cell line the magic is on (for TypeScript evaluated by the magic). */
  line: number;
  /** Run another magic (same context). */
  runMagic(name: string, args: string, body?: string): Promise<unknown>;
}
