// Comms through the executor: registered targets, messages both ways, comm_info, unknown targets.
import { describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../src/jupyter/executor-api.js';
import type { MagicFamily } from '../../src/magics/types.js';
import { context, makeExecutor } from './support/harness.js';

describe('comms', () => {
  it('answers an unknown target with comm_close', async () => {
    const { exec } = makeExecutor();
    const ev: ExecutorEvent[] = [];
    await exec.commOpen('c1', 'nobody', {}, context(ev));
    expect(ev).toEqual([{ type: 'comm_close', comm_id: 'c1', data: { error: "no comm target 'nobody' in this kernel" } }]);
    expect(await exec.commInfo()).toEqual({});
  });
  it('opens, echoes messages, lists and closes comms of a registered target', async () => {
    const { exec } = makeExecutor();
    const seen: unknown[] = [];
    exec.comms.registerTarget('echo', (comm, data) => {
      seen.push(data);
      comm.onMsg((d) => comm.send({ echo: d }));
      comm.onClose((d) => { seen.push(['closed', d]); });
    });
    const ev: ExecutorEvent[] = [];
    await exec.commOpen('c2', 'echo', { hello: 1 }, context(ev));
    expect(await exec.commInfo()).toEqual({ c2: { target_name: 'echo' } });
    expect(await exec.commInfo('other')).toEqual({});
    await exec.commMsg('c2', { x: 2 }, context(ev));
    expect(ev).toEqual([{ type: 'comm_msg', comm_id: 'c2', data: { echo: { x: 2 } } }]);
    await exec.commClose('c2', { bye: true }, context(ev));
    expect(seen).toEqual([{ hello: 1 }, ['closed', { bye: true }]]);
    expect(await exec.commInfo()).toEqual({});
  });
  it('kernel-opened comms emit comm_open and close on restart', async () => {
    const { exec } = makeExecutor();
    const ev: ExecutorEvent[] = [];
    await exec.execute({ code: '1', silent: false, storeHistory: true, userExpressions: {}, allowStdin: false, executionCount: 1 }, context(ev));
    const comm = exec.comms.open('progress', { a: 1 });
    expect(ev.at(-1)).toEqual({ type: 'comm_open', comm_id: comm.id, target_name: 'progress', data: { a: 1 } });
    expect(Object.keys(await exec.commInfo('progress'))).toEqual([comm.id]);
    await exec.restart();
    expect(ev.at(-1)).toMatchObject({ type: 'comm_close', comm_id: comm.id });
    expect(await exec.commInfo()).toEqual({});
  });
  it('a magic registers a target through ctx.comms', async () => {
    const family: MagicFamily = {
      name: 'test.comm', magics: [{
        name: 'listen', kind: 'line', summary: 's', usage: '%listen', flags: [], positionals: [],
        run: (_a, ctx) => { ctx.comms.registerTarget('live', (comm) => comm.send({ ready: true })); },
      }],
    };
    const { exec } = makeExecutor({ families: [family] });
    await exec.execute({ code: '%listen', silent: false, storeHistory: true, userExpressions: {}, allowStdin: false, executionCount: 1 }, context([]));
    const ev: ExecutorEvent[] = [];
    await exec.commOpen('c9', 'live', {}, context(ev));
    expect(ev).toEqual([{ type: 'comm_msg', comm_id: 'c9', data: { ready: true } }]);
  });
});
