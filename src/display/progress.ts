// Progress bar: one display output updated through its handle; HTML <progress> with a text/plain
// fallback, rate and ETA; updates throttled (default at most every 100 ms; a skipped update is
// flushed by a timer so the bar never stays stale) except the final done/failed state.
import type { Displayer, DisplayHandle } from './handle.js';
import { escapeHtml, MIME, NO_RESULT, type MimeBundle } from './mime.js';

export type ProgressState = 'running' | 'done' | 'failed';

export interface ProgressOptions {
  /** Minimum milliseconds between two published updates (default 100, i.e. <= 10/s). */
  minIntervalMs?: number;
  /** Clock in milliseconds (tests inject one). */
  now?: () => number;
  /** Unit shown in the rate, e.g. 'batch' -> "12.5 batch/s" (default 'it'). */
  unit?: string;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class ProgressBar {
  readonly [NO_RESULT] = true;
  value = 0;
  state: ProgressState = 'running';
  message = '';
  /** Number of updates actually published (after throttling). */
  published = 0;
  private readonly started: number;
  private lastPublish = -Infinity;
  private readonly handle: DisplayHandle;
  private readonly now: () => number;
  private readonly minInterval: number;
  private readonly unit: string;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(displayer: Displayer, readonly total: number, readonly label = '', opts: ProgressOptions = {}) {
    this.now = opts.now ?? (() => performance.now());
    this.minInterval = opts.minIntervalMs ?? 100;
    this.unit = opts.unit ?? 'it';
    this.started = this.now();
    this.handle = displayer.display(this.view());
    this.lastPublish = this.started;
    this.published = 1;
  }

  get displayId(): string {
    return this.handle.id;
  }

  /** Seconds since the bar was created. */
  get elapsed(): number {
    return (this.now() - this.started) / 1000;
  }

  /** Items per second so far. */
  get rate(): number {
    const e = this.elapsed;
    return e > 0 ? this.value / e : 0;
  }

  /** Seconds remaining at the current rate (NaN when unknown). */
  get eta(): number {
    const r = this.rate;
    return r > 0 && this.total > 0 ? Math.max(0, this.total - this.value) / r : NaN;
  }

  /** Set the absolute progress; publishes at most once per minIntervalMs. */
  update(value: number, message?: string): void {
    if (this.state !== 'running') return;
    this.value = value;
    if (message !== undefined) this.message = message;
    this.publish(false);
  }

  tick(n = 1, message?: string): void {
    this.update(this.value + n, message);
  }

  done(message?: string): void {
    this.finish('done', message);
  }

  fail(message?: string): void {
    this.finish('failed', message);
  }

  /** Iterate `items`, ticking once per item; fails the bar if the loop throws. */
  async *wrap<T>(items: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
    try {
      for await (const x of items) {
        yield x;
        this.tick();
      }
      this.done();
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
      throw e;
    }
  }

  private finish(state: ProgressState, message?: string): void {
    if (this.state !== 'running') return;
    this.state = state;
    if (state === 'done' && this.total > 0) this.value = Math.max(this.value, this.total);
    if (message !== undefined) this.message = message;
    this.publish(true);
  }

  private publish(force: boolean): void {
    const t = this.now();
    if (!force && t - this.lastPublish < this.minInterval) {
      if (this.flushTimer === undefined) {
        const wait = Math.min(this.minInterval, Math.max(0, this.minInterval - (t - this.lastPublish)));
        this.flushTimer = setTimeout(() => {
          this.flushTimer = undefined;
          if (this.state === 'running') this.publish(true);
        }, wait);
        this.flushTimer.unref?.();
      }
      return;
    }
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.lastPublish = t;
    this.published++;
    this.handle.update(this.view());
  }

  /** Text summary, e.g. "train  42/100 (42%)  12.5 it/s  ETA 0:05". */
  text(): string {
    const pct = this.total > 0 ? Math.floor((100 * Math.min(this.value, this.total)) / this.total) : 0;
    const width = 24;
    const filled = Math.round((width * pct) / 100);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const rate = `${this.rate.toFixed(this.rate >= 100 ? 0 : 1)} ${this.unit}/s`;
    const tail = this.state === 'running' ? `ETA ${formatDuration(this.eta)}` : this.state === 'done' ? `done in ${formatDuration(this.elapsed)}` : 'FAILED';
    const parts = [this.label, `[${bar}]`, `${this.value}/${this.total} (${pct}%)`, rate, tail, this.message].filter(Boolean);
    return parts.join('  ');
  }

  private view(): { [MIME](): MimeBundle } {
    const text = this.text();
    const color = this.state === 'failed' ? '#c62828' : this.state === 'done' ? '#2e7d32' : 'inherit';
    const max = this.total > 0 ? this.total : 1;
    const html = `<div class="bwvm-progress" style="font-family:monospace;color:${color}">` +
      (this.label ? `<span>${escapeHtml(this.label)}</span> ` : '') +
      `<progress value="${Math.min(this.value, max)}" max="${max}" style="width:40%;vertical-align:middle"></progress> ` +
      `<span>${escapeHtml(text.replace(this.label, '').replace(/\[[#.]*\]\s*/, '').trim())}</span></div>`;
    return { [MIME]: () => ({ 'text/html': html, 'text/plain': text }) };
  }
}
