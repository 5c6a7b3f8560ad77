// Display handles: display(x) publishes a display_data with a display_id and returns a handle
// whose update(x) publishes update_display_data for that id; clear(wait) clears the output.
// Events are shaped like the kernel's ExecutorEvent so the executor can forward them as is.
import { randomUUID } from 'node:crypto';
import { format, type Formatted } from './format.js';
import { NO_RESULT, type MimeBundle, type MimeMetadata } from './mime.js';

export type DisplayEvent =
  | { type: 'display_data'; data: MimeBundle; metadata: MimeMetadata; transient?: { display_id?: string } }
  | { type: 'update_display_data'; data: MimeBundle; metadata: MimeMetadata; transient: { display_id: string } }
  | { type: 'clear_output'; wait: boolean };

export type DisplaySink = (ev: DisplayEvent) => void;

export interface DisplayOptions {
  /** display_id to use (default: a fresh one). Displaying again with the same id adds another view of it. */
  id?: string;
  /** Extra metadata merged over the value's own. */
  metadata?: MimeMetadata;
}

export class DisplayHandle {
  readonly [NO_RESULT] = true;
  constructor(readonly id: string, private readonly displayer: Displayer) {}

  /** Replace every output showing this id with `value`. */
  update(value: unknown, metadata?: MimeMetadata): void {
    this.displayer.update(this.id, value, metadata);
  }

  /** Show `value` again as a new output with this id. */
  display(value: unknown): DisplayHandle {
    return this.displayer.display(value, { id: this.id });
  }

  toString(): string {
    return `DisplayHandle(${this.id})`;
  }
}

/** Turns values into display events sent to a sink (which may be re-pointed per request). */
export class Displayer {
  constructor(private sink: DisplaySink, private readonly fmt: (v: unknown) => Formatted = format) {}

  setSink(sink: DisplaySink): void {
    this.sink = sink;
  }

  display(value: unknown, opts: DisplayOptions = {}): DisplayHandle {
    const id = opts.id ?? randomUUID();
    const { data, metadata } = this.fmt(value);
    this.sink({ type: 'display_data', data, metadata: { ...metadata, ...(opts.metadata ?? {}) }, transient: { display_id: id } });
    return new DisplayHandle(id, this);
  }

  update(id: string, value: unknown, extra?: MimeMetadata): void {
    const { data, metadata } = this.fmt(value);
    this.sink({ type: 'update_display_data', data, metadata: { ...metadata, ...(extra ?? {}) }, transient: { display_id: id } });
  }

  /** Clear the current cell's output (wait=true: when the next output arrives). */
  clear(wait = false): void {
    this.sink({ type: 'clear_output', wait });
  }
}
