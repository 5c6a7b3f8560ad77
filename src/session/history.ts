// What this kernel session has run: each stored cell's source, execution count and outputs (built
// from the executor's events exactly as `bwvm run` builds a notebook's: streams merge, display
// updates rewrite earlier outputs, clear_output clears), as nbformat code cells. %report renders it.
// Not the server's HistoryStore (src/jupyter/history.ts): that one answers history_request with
// inputs and text results in the kernel's front process; this one keeps rich outputs where the
// magics run, in the executor process.
import { OutputCollector } from '../display/notebook/outputs.js';
import type { CodeCell, Notebook } from '../display/notebook/model.js';

/** An executor event in iopub terms: the message type and its content. */
export interface HistoryEvent { msgType: string; content: Record<string, unknown> }

export class CellHistory {
  private readonly done: CodeCell[] = [];
  /** Approximate size of each finished cell (source and outputs as JSON), in characters. */
  private readonly sizes: number[] = [];
  private total = 0;
  private running: CodeCell | undefined;
  private collector = new OutputCollector();
  /** Cells dropped from the front since the session began (the history keeps the last maxCells,
   * and at most about maxChars characters of sources and outputs). */
  dropped = 0;

  constructor(readonly maxCells = 1000, readonly maxChars = 256 * 2 ** 20) {}

  /** A cell starts running. */
  begin(code: string, executionCount: number): void {
    this.end();
    const cell: CodeCell = { cell_type: 'code', source: code, metadata: {}, execution_count: null, outputs: [] };
    this.collector.begin(cell);
    cell.execution_count = executionCount;
    this.running = cell;
  }

  /** An output event of the running cell (ignored when none runs). */
  event(e: HistoryEvent): void {
    if (this.running) this.collector.handle(e.msgType, e.content);
  }

  /** The running cell finished: it joins the history. */
  end(): void {
    if (!this.running) return;
    const size = this.running.source.length + JSON.stringify(this.running.outputs).length;
    this.done.push(this.running);
    this.sizes.push(size);
    this.total += size;
    this.running = undefined;
    // drop the oldest cells past either bound (the newest cell always stays)
    let n = 0;
    while (this.done.length - n > 1 && (this.done.length - n > this.maxCells || this.total > this.maxChars)) this.total -= this.sizes[n++]!;
    if (n) {
      this.done.splice(0, n);
      this.sizes.splice(0, n);
      this.dropped += n;
    }
  }

  /** Finished cells, oldest first (the running one is not among them). */
  get cells(): readonly CodeCell[] { return this.done; }

  /** The finished cells (those `keep` accepts) as an nbformat 4 notebook of copies. */
  notebook(metadata: Record<string, unknown> = {}, keep: (c: CodeCell) => boolean = () => true): Notebook {
    const cells = this.done.flatMap((c, i): CodeCell[] => (keep(c) ? [{ ...structuredClone(c), id: `cell-${this.dropped + i + 1}` }] : []));
    return { nbformat: 4, nbformat_minor: 5, metadata, cells };
  }

  clear(): void {
    this.done.length = 0;
    this.sizes.length = 0;
    this.total = 0;
    this.running = undefined;
    this.collector = new OutputCollector();
    this.dropped = 0;
  }
}
