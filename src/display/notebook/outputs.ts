// Turns iopub messages into nbformat outputs exactly like Jupyter's nbclient: consecutive
// streams merge, update_display_data rewrites every earlier output with the same display_id
// (in any cell), clear_output(wait=true) waits for the next output, errors become error outputs.
import type { CodeCell, Output } from './model.js';
import { joinSource } from './model.js';

type Content = Record<string, unknown>;
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {});

/** Output state of one run of a notebook: display ids are tracked across cells. */
export class OutputCollector {
  /** display_id -> outputs that carry it (possibly in several cells). */
  private readonly displays = new Map<string, Output[]>();
  private cell: CodeCell | null = null;
  private clearPending = false;

  /** Start collecting into `cell` (its old outputs are dropped). */
  begin(cell: CodeCell): void {
    this.forget(cell.outputs);
    cell.outputs = [];
    cell.execution_count = null;
    this.cell = cell;
    this.clearPending = false;
  }

  /** Apply one iopub message (by msg_type) to the current cell. Returns the output added, if any. */
  handle(msgType: string, content: Content): Output | null {
    const cell = this.cell;
    if (!cell) return null;
    switch (msgType) {
      case 'clear_output':
        if (content.wait) this.clearPending = true;
        else this.clear(cell);
        return null;
      case 'update_display_data': {
        const id = obj(content.transient).display_id;
        if (typeof id !== 'string') return null;
        for (const out of this.displays.get(id) ?? []) {
          if (out.output_type === 'display_data' || out.output_type === 'execute_result') {
            out.data = obj(content.data);
            out.metadata = obj(content.metadata);
          }
        }
        return null;
      }
    }
    const out = toOutput(msgType, content);
    if (!out) return null;
    if (this.clearPending) {
      this.clear(cell);
      this.clearPending = false;
    }
    const last = cell.outputs[cell.outputs.length - 1];
    if (out.output_type === 'stream' && last?.output_type === 'stream' && last.name === out.name) {
      last.text = joinSource(last.text) + joinSource(out.text);
      return last;
    }
    cell.outputs.push(out);
    const id = obj(content.transient).display_id;
    if (typeof id === 'string' && (out.output_type === 'display_data' || out.output_type === 'execute_result')) {
      const list = this.displays.get(id) ?? [];
      list.push(out);
      this.displays.set(id, list);
    }
    return out;
  }

  /** Set the execution count from the execute_input / execute_reply. */
  setExecutionCount(n: unknown): void {
    if (this.cell && typeof n === 'number') this.cell.execution_count = n;
  }

  private clear(cell: CodeCell): void {
    this.forget(cell.outputs);
    cell.outputs = [];
  }

  private forget(outputs: Output[]): void {
    if (outputs.length === 0) return;
    const gone = new Set(outputs);
    for (const [id, list] of this.displays) {
      const kept = list.filter((o) => !gone.has(o));
      if (kept.length === 0) this.displays.delete(id);
      else this.displays.set(id, kept);
    }
  }
}

/** The nbformat output for an iopub message that produces one, else null. */
export function toOutput(msgType: string, c: Content): Output | null {
  switch (msgType) {
    case 'stream':
      return { output_type: 'stream', name: c.name === 'stderr' ? 'stderr' : 'stdout', text: String(c.text ?? '') };
    case 'display_data':
      return { output_type: 'display_data', data: obj(c.data), metadata: obj(c.metadata) };
    case 'execute_result':
      return {
        output_type: 'execute_result', execution_count: typeof c.execution_count === 'number' ? c.execution_count : null,
        data: obj(c.data), metadata: obj(c.metadata),
      };
    case 'error':
      return {
        output_type: 'error', ename: String(c.ename ?? 'Error'), evalue: String(c.evalue ?? ''),
        traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
      };
    default:
      return null;
  }
}

/** Strip ANSI escape sequences (tracebacks are coloured). */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g, '');
}
