// Progress bar on a fake clock: throttled updates, rate/ETA, done/failed always published.
import { describe, expect, it } from 'vitest';
import { Displayer, type DisplayEvent } from '../../src/display/handle.js';
import { formatDuration, ProgressBar } from '../../src/display/progress.js';

function setup(total = 100) {
  const ev: DisplayEvent[] = [];
  let now = 0;
  const bar = new ProgressBar(new Displayer((e) => ev.push(e)), total, 'train', { now: () => now, unit: 'batch' });
  return { ev, bar, tick: (ms: number) => (now += ms) };
}
const text = (e: DisplayEvent | undefined) => (e && 'data' in e ? (e.data['text/plain'] as string) : '');
const htmlOf = (e: DisplayEvent | undefined) => (e && 'data' in e ? (e.data['text/html'] as string) : '');

describe('ProgressBar', () => {
  it('shows once, then throttles updates to one per 100 ms', () => {
    const { ev, bar, tick } = setup();
    expect(ev).toHaveLength(1);
    expect(ev[0]!.type).toBe('display_data');
    for (let i = 0; i < 50; i++) {
      tick(10);
      bar.tick();
    }
    // 500 ms of fake time, 50 ticks -> 5 published updates
    expect(ev.filter((e) => e.type === 'update_display_data')).toHaveLength(5);
    expect(bar.published).toBe(6);
    expect(ev.every((e) => e.type === 'display_data' || ('transient' in e && e.transient?.display_id === bar.displayId))).toBe(true);
  });
  it('reports value, percent, rate and ETA', () => {
    const { ev, bar, tick } = setup();
    tick(2000);
    bar.update(40, 'loss 0.3');
    expect(bar.rate).toBe(20);
    expect(bar.eta).toBe(3);
    expect(text(ev.at(-1))).toBe('train  [##########..............]  40/100 (40%)  20.0 batch/s  ETA 0:03  loss 0.3');
    expect(htmlOf(ev.at(-1))).toContain('<progress value="40" max="100"');
  });
  it('done and fail always publish and freeze the bar', () => {
    const a = setup();
    a.bar.tick(10);
    a.bar.done();
    expect(text(a.ev.at(-1))).toContain('100/100 (100%)');
    expect(text(a.ev.at(-1))).toContain('done in');
    a.bar.update(5);
    expect(a.bar.value).toBe(100);
    const b = setup(10);
    b.bar.fail('diverged');
    expect(b.bar.state).toBe('failed');
    expect(text(b.ev.at(-1))).toContain('FAILED  diverged');
    expect(htmlOf(b.ev.at(-1))).toContain('#c62828');
  });
  it('wrap() ticks per item and finishes', async () => {
    const { bar } = setup(3);
    const seen: number[] = [];
    for await (const x of bar.wrap([1, 2, 3])) seen.push(x);
    expect(seen).toEqual([1, 2, 3]);
    expect(bar.state).toBe('done');
    expect(bar.value).toBe(3);
  });
  it('formats durations', () => {
    expect([formatDuration(5), formatDuration(65), formatDuration(3725), formatDuration(NaN)]).toEqual(['0:05', '1:05', '1:02:05', '?']);
  });
  it('a throttled update is flushed later so the bar is not left stale', async () => {
    const ev: DisplayEvent[] = [];
    const bar = new ProgressBar(new Displayer((e) => ev.push(e)), 10, 'x', { minIntervalMs: 20 });
    bar.update(1);
    bar.update(2);
    const before = ev.length;
    await new Promise((r) => setTimeout(r, 80));
    expect(ev.length).toBeGreaterThan(before);
    expect(text(ev.at(-1))).toContain('2/10');
    bar.done();
    const n = ev.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(ev.length).toBe(n);
  });
});
