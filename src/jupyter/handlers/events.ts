// Executor events -> iopub messages, one row per event type: the msg_type and content the
// messaging spec gives each (execute_result carries the cell's execution_count).
import type { ExecutorEvent } from '../executor-api.js';

type Row<T extends ExecutorEvent['type']> = (ev: Extract<ExecutorEvent, { type: T }>, executionCount: number) => Record<string, unknown>;

const withMeta = (m: Record<string, unknown> | undefined) => (m === undefined ? {} : { metadata: m });

export const EVENT_TABLE: { [T in ExecutorEvent['type']]: Row<T> } = {
  stream: (ev) => ({ name: ev.name, text: ev.text }),
  display_data: (ev) => ({ data: ev.data, metadata: ev.metadata ?? {}, transient: ev.transient ?? {} }),
  update_display_data: (ev) => ({ data: ev.data, metadata: ev.metadata ?? {}, transient: ev.transient }),
  execute_result: (ev, n) => ({ execution_count: n, data: ev.data, metadata: ev.metadata ?? {} }),
  clear_output: (ev) => ({ wait: !!ev.wait }),
  comm_open: (ev) => ({ comm_id: ev.comm_id, target_name: ev.target_name, data: ev.data ?? {}, ...withMeta(ev.metadata) }),
  comm_msg: (ev) => ({ comm_id: ev.comm_id, data: ev.data ?? {}, ...withMeta(ev.metadata) }),
  comm_close: (ev) => ({ comm_id: ev.comm_id, data: ev.data ?? {} }),
};

/** [msg_type, content] for an event, or null for an event type the table does not know. */
export function eventToIopub(ev: ExecutorEvent, executionCount: number): [string, Record<string, unknown>] | null {
  const row = (EVENT_TABLE as Record<string, ((e: ExecutorEvent, n: number) => Record<string, unknown>) | undefined>)[ev?.type];
  return row ? [ev.type, row(ev, executionCount)] : null;
}
