// Reproduces the shipped zoo checkpoints (`npm run train:zoo -- [names] [--epochs E] [--limit N]
// [--out DIR] [--engine fast|reference] [--threads T] [--state DIR]`): trains each zoo network from its seed on
// the full Fashion-MNIST (Debian's dataset-fashion-mnist) with its recipe (ZOO_RECIPES in
// src/bwdnn/zoo/pretrained.ts), evaluates on the 10,000 test images and writes DIR/<name>.bwvm
// (+ weights) and DIR/<name>.json (accuracy, recipe, seed, time, git commit). Resumable: the state
// after every epoch goes to --state (default out/train-state); rerunning the same command continues.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zooModel } from '../src/bwdnn/zoo/index.js';
import { evaluate, train, type TrainOptions } from '../src/bwdnn/train/index.js';
import { channelStats, slice, type Dataset } from '../src/bwdnn/data/dataset.js';
import { DEBIAN_FASHION_MNIST, readFashionMnistDir } from '../src/bwdnn/data/fashion-mnist.js';
import { saveNative } from '../src/frontend/native/index.js';
import { loadTrainState, saveTrainState, type EpochRow } from './train-zoo-state.js';
import { ZOO_RECIPES, type ZooRecipe } from '../src/bwdnn/zoo/pretrained.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'); // out/scripts/scripts -> repo
const argv = process.argv.slice(2);
const flag = (k: string) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv.splice(i, 2)[1] : undefined; };
const epochsOverride = flag('epochs'), limit = flag('limit'), engine = flag('engine') ?? 'fast', threads = Number(flag('threads') ?? 1), outDir = flag('out') ?? join(root, 'fixtures', 'zoo');
const stateDir = flag('state') ?? join(root, 'out', 'train-state');
const names = argv.length ? argv : Object.keys(ZOO_RECIPES);

function gitCommit(): string {
  try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(); } catch { return 'unknown'; }
}

/** Full train and test split, both normalized with the train split's per-channel mean/std. */
function data(): { trainSet: Dataset; testSet: Dataset; mean: number[]; std: number[] } {
  const unitTrain = readFashionMnistDir(DEBIAN_FASHION_MNIST, 'train', 'unit');
  const { mean, std } = channelStats(unitTrain.images, 1, 28 * 28);
  const norm = { mean, std };
  let trainSet = readFashionMnistDir(DEBIAN_FASHION_MNIST, 'train', norm);
  const testSet = readFashionMnistDir(DEBIAN_FASHION_MNIST, 'test', norm);
  if (limit) trainSet = slice(trainSet, 0, Number(limit));
  return { trainSet, testSet, mean, std };
}

async function trainOne(name: string, r: ZooRecipe, d: ReturnType<typeof data>): Promise<void> {
  const epochs = epochsOverride ? Number(epochsOverride) : r.epochs;
  const key = JSON.stringify({ recipe: r, epochs, images: d.trainSet.n, engine, threads });
  const saved = loadTrainState(stateDir, name, key);
  const g = saved?.graph ?? zooModel(name, { seed: r.seed });
  const done: EpochRow[] = saved?.state.epochHistory ?? [];
  if (saved) console.log(`${name}: resuming after epoch ${saved.state.epochsDone}/${epochs} from ${stateDir}`);
  const t0 = performance.now(), before = saved?.state.seconds ?? 0;
  const opts: TrainOptions = {
    epochs, batchSize: r.batchSize, optimizer: r.optimizer, lr: r.lr, momentum: r.momentum, weightDecay: r.weightDecay,
    schedule: r.schedule, seed: r.seed, ...(r.augment ? { augment: r.augment } : {}),
    // the training engine (src/bwdnn/train engine.ts): 'fast' = WebAssembly kernels, 'reference' = JavaScript
    engine: engine === 'reference' ? 'reference' : 'fast', threads,
    onStep: (p) => { if (p.step % 100 === 0) console.log(`  ${name} step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} lr ${p.lr.toFixed(4)}`); },
    onEpoch: (e) => {
      console.log(`${name} epoch ${e.epoch + 1}/${epochs}: loss ${e.loss.toFixed(4)} train acc ${e.accuracy.toFixed(4)} (${e.seconds.toFixed(0)} s)`);
      done.push({ epoch: e.epoch + 1, loss: Number(e.loss.toFixed(4)), trainAccuracy: Number(e.accuracy.toFixed(4)), seconds: Math.round(e.seconds) });
    },
    onCheckpoint: (k, opt) => saveTrainState(stateDir, name, { key, epochsDone: k, seconds: before + (performance.now() - t0) / 1000, epochHistory: done }, g, opt),
    ...(saved ? { resume: { epochs: saved.state.epochsDone, optimizer: saved.optimizer } } : {}),
  };
  const hist = await train(g, d.trainSet, opts);
  const seconds = before + (performance.now() - t0) / 1000;
  // the test split on the same fast engine (inference-mode BatchNorm); the reference executor gives the same accuracy, ~20x slower
  const ev = await evaluate(g, d.testSet, engine === 'reference' ? {} : { engine: 'fast', threads });
  console.log(`${name}: test accuracy ${ev.accuracy.toFixed(4)} on ${ev.n} images, ${seconds.toFixed(0)} s training`);
  g.meta = { ...g.meta, zoo: name, normalization: JSON.stringify({ mean: d.mean, std: d.std }), testAccuracy: ev.accuracy.toFixed(4) };
  mkdirSync(outDir, { recursive: true });
  const files = saveNative(g, join(outDir, `${name}.bwvm`));
  const record = {
    model: name, dataset: 'fashion-mnist', trainImages: d.trainSet.n, testImages: ev.n,
    testAccuracy: Number(ev.accuracy.toFixed(4)), testLoss: Number(ev.loss.toFixed(4)),
    normalization: { mean: d.mean, std: d.std },
    recipe: { ...r, epochs }, engine, threads, params: hist.params, steps: Math.ceil(d.trainSet.n / r.batchSize) * epochs,
    epochHistory: done, ...(saved ? { resumedAfterEpoch: saved.state.epochsDone } : {}),
    trainSeconds: Math.round(seconds), gitCommit: gitCommit(), date: new Date().toISOString(), node: process.version,
    weightsFile: files.weights.split('/').pop(),
  };
  writeFileSync(join(outDir, `${name}.json`), JSON.stringify(record, null, 1) + '\n');
}

const d = data();
console.log(`Fashion-MNIST: ${d.trainSet.n} train / ${d.testSet.n} test images, mean ${d.mean[0]!.toFixed(4)} std ${d.std[0]!.toFixed(4)}`);
for (const name of names) {
  const r = ZOO_RECIPES[name];
  if (!r) throw new Error(`no training recipe for '${name}' (recipes: ${Object.keys(ZOO_RECIPES).join(', ')})`);
  await trainOne(name, r, d);
}
