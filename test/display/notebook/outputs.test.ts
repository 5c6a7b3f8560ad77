// Output collection semantics (as nbclient): stream merging, display updates across cells,
// clear_output with and without wait.
import { describe, expect, it } from 'vitest';
import { OutputCollector, stripAnsi, toOutput } from '../../../src/display/notebook/outputs.js';
import type { CodeCell } from '../../../src/display/notebook/model.js';

const cell = (): CodeCell => ({ cell_type: 'code', source: '', metadata: {}, execution_count: null, outputs: [] });

describe('OutputCollector', () => {
  it('merges consecutive streams of the same name only', () => {
    const c = cell();
    const oc = new OutputCollector();
    oc.begin(c);
    oc.handle('stream', { name: 'stdout', text: 'a' });
    oc.handle('stream', { name: 'stdout', text: 'b\n' });
    oc.handle('stream', { name: 'stderr', text: 'e' });
    oc.handle('stream', { name: 'stdout', text: 'c' });
    expect(c.outputs.map((o) => o.output_type === 'stream' && [o.name, o.text])).toEqual([['stdout', 'ab\n'], ['stderr', 'e'], ['stdout', 'c']]);
  });

  it('applies update_display_data to earlier outputs with the display_id, in any cell', () => {
    const a = cell();
    const b = cell();
    const oc = new OutputCollector();
    oc.begin(a);
    oc.handle('display_data', { data: { 'text/plain': 'v1' }, metadata: {}, transient: { display_id: 'd' } });
    oc.handle('display_data', { data: { 'text/plain': 'other' }, metadata: {} });
    oc.begin(b);
    oc.handle('display_data', { data: { 'text/plain': 'v1' }, metadata: {}, transient: { display_id: 'd' } });
    oc.handle('update_display_data', { data: { 'text/plain': 'v2' }, metadata: { m: 1 }, transient: { display_id: 'd' } });
    expect(a.outputs).toEqual([
      { output_type: 'display_data', data: { 'text/plain': 'v2' }, metadata: { m: 1 } },
      { output_type: 'display_data', data: { 'text/plain': 'other' }, metadata: {} },
    ]);
    expect(b.outputs).toEqual([{ output_type: 'display_data', data: { 'text/plain': 'v2' }, metadata: { m: 1 } }]);
    oc.handle('update_display_data', { data: { 'text/plain': 'x' }, metadata: {}, transient: { display_id: 'unknown' } });
    expect(b.outputs).toHaveLength(1);
  });

  it('clear_output clears now, or before the next output with wait=true', () => {
    const c = cell();
    const oc = new OutputCollector();
    oc.begin(c);
    oc.handle('stream', { name: 'stdout', text: 'x' });
    oc.handle('clear_output', { wait: false });
    expect(c.outputs).toEqual([]);
    oc.handle('stream', { name: 'stdout', text: 'y' });
    oc.handle('clear_output', { wait: true });
    expect(c.outputs).toHaveLength(1);
    oc.handle('stream', { name: 'stdout', text: 'z' });
    expect(c.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'z' }]);
  });

  it('a cleared display no longer receives updates', () => {
    const c = cell();
    const oc = new OutputCollector();
    oc.begin(c);
    oc.handle('display_data', { data: { 'text/plain': 'v1' }, metadata: {}, transient: { display_id: 'd' } });
    const before = c.outputs[0];
    oc.handle('clear_output', { wait: false });
    oc.handle('update_display_data', { data: { 'text/plain': 'v2' }, metadata: {}, transient: { display_id: 'd' } });
    expect(before).toMatchObject({ data: { 'text/plain': 'v1' } });
  });

  it('maps results and errors, and takes the execution count', () => {
    const c = cell();
    const oc = new OutputCollector();
    oc.begin(c);
    oc.setExecutionCount(7);
    oc.handle('execute_result', { execution_count: 7, data: { 'text/plain': '1' }, metadata: {} });
    oc.handle('error', { ename: 'E', evalue: 'v', traceback: ['\x1b[31mE\x1b[0m: v'] });
    oc.handle('status', { execution_state: 'idle' });
    expect(c.execution_count).toBe(7);
    expect(c.outputs.map((o) => o.output_type)).toEqual(['execute_result', 'error']);
    expect(toOutput('comm_msg', {})).toBeNull();
    expect(stripAnsi('\x1b[31mE\x1b[0m: v')).toBe('E: v');
  });
});
