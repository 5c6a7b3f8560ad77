// Resumable zoo training for scripts/train-zoo.ts: after every epoch the weights (native format),
// the optimizer's buffers and the epoch history go to a state folder (default out/train-state);
// a later run with the same recipe, data, engine and threads continues from the last finished
// epoch and ends with exactly the weights an uninterrupted run would have.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph } from '../src/ir/types.js';
import type { OptimizerState } from '../src/bwdnn/train/index.js';
import { loadNative, saveNative, writeFileAtomic } from '../src/frontend/native/index.js';

export interface EpochRow { epoch: number; loss: number; trainAccuracy: number; seconds: number }

export interface TrainState {
  /** What must match to resume: recipe, epochs, images, engine, threads. */
  key: string;
  epochsDone: number;
  seconds: number;
  epochHistory: EpochRow[];
}

interface StateFile extends TrainState { graph: string; optimizer: { name: string; t: number; slots: [string, number][] }; optimizerData: string }

const statePath = (dir: string, name: string) => join(dir, `${name}.state.json`);

/** The saved state of `name` with this key, with its graph and optimizer state; undefined if none matches. */
export function loadTrainState(dir: string, name: string, key: string): { state: TrainState; graph: Graph; optimizer: OptimizerState } | undefined {
  const p = statePath(dir, name);
  if (!existsSync(p)) return undefined;
  const s = JSON.parse(readFileSync(p, 'utf8')) as StateFile;
  if (s.key !== key) {
    console.log(`${name}: saved training state in ${p} is for another recipe/data/engine; starting from scratch`);
    return undefined;
  }
  const graph = loadNative(join(dir, s.graph));
  const raw = readFileSync(join(dir, s.optimizerData));
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const slots: Record<string, Float32Array[]> = {};
  let at = 0;
  const per = s.optimizer.name === 'adam' ? 2 : 1;
  for (const [k, n] of s.optimizer.slots) {
    slots[k] = Array.from({ length: per }, () => { const v = all.slice(at, at + n); at += n; return v; });
  }
  if (at !== all.length) throw new Error(`${p}: optimizer data has ${all.length} floats, the index says ${at}`);
  return { state: { key: s.key, epochsDone: s.epochsDone, seconds: s.seconds, epochHistory: s.epochHistory }, graph, optimizer: { name: s.optimizer.name, t: s.optimizer.t, slots } };
}

/** Save the state after an epoch (new files per epoch; the previous epoch's are removed after the index is written). */
export function saveTrainState(dir: string, name: string, state: TrainState, g: Graph, opt: OptimizerState): void {
  mkdirSync(dir, { recursive: true });
  const prev = existsSync(statePath(dir, name)) ? JSON.parse(readFileSync(statePath(dir, name), 'utf8')) as StateFile : undefined;
  const tag = `${name}.e${state.epochsDone}`;
  saveNative(g, join(dir, `${tag}.bwvm`));
  const keys = Object.keys(opt.slots).sort();
  const parts = keys.flatMap((k) => opt.slots[k]!);
  const total = parts.reduce((a, v) => a + v.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const v of parts) { data.set(v, at); at += v.length; }
  writeFileSync(join(dir, `${tag}.opt.bin`), new Uint8Array(data.buffer));
  const file: StateFile = {
    ...state, graph: `${tag}.bwvm`, optimizerData: `${tag}.opt.bin`,
    optimizer: { name: opt.name, t: opt.t, slots: keys.map((k) => [k, opt.slots[k]![0]!.length]) },
  };
  writeFileAtomic(statePath(dir, name), [Buffer.from(JSON.stringify(file, null, 1) + '\n', 'utf8')]);
  if (prev && prev.graph !== file.graph) {
    const old = loadIndexFiles(dir, prev);
    for (const f of old) rmSync(f, { force: true });
  }
}

function loadIndexFiles(dir: string, s: StateFile): string[] {
  const json = join(dir, s.graph);
  const out = [json, join(dir, s.optimizerData)];
  try {
    const weights = (JSON.parse(readFileSync(json, 'utf8')) as { weights?: { file?: string } }).weights?.file;
    if (weights) out.push(join(dir, weights));
  } catch { /* already gone */ }
  return out;
}
