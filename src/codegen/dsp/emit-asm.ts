// The `asm` emitter's text: a generated-mode model as one self-contained BWDSP assembly file —
// the Program's source (code, symbols, private data) plus its initial data (weights in kernel
// layout, kernel constants) as `.word` lines (filters streamed from DDR in a `.ddr` section), so
// `assemble(file)` rebuilds the same Program; the header comments carry the tiling plan.
import { planText } from '../tiling/index.js';
import type { DspModel } from './lower.js';

/** Assembly source of `m` with its initial data inlined (decimal words, 8 per line). */
export function dspAsmSource(m: DspModel): string {
  const head = [`// ${m.target}: generated mode, ${m.layers.length} layers (${m.layers.map((l) => `${l.node}=${l.op}`).join(', ')})`,
    `// on-chip words: weights ${m.memory.weightWords}, activation arena ${m.plan.arenaWords} at ${m.plan.arenaBase} (liveness bound ${m.plan.lowerBoundWords}), total ${m.memory.peakWords}`,
    `// inputs: ${m.inputs.map((i) => `${i.symbol} [${i.shape.join('x')}] @${i.addr}`).join(', ')}; outputs: ${m.outputs.map((o) => `${o.symbol} [${o.shape.join('x')}] @${o.addr}`).join(', ')}`];
  if (m.memory.weights === 'ddr') head.push(...planText(m.tiling).split('\n').map((l) => `// ${l}`));
  const data: string[] = [];
  for (const space of ['chip', 'ddr'] as const) {
    const secs = m.program.data.filter((s) => s.space === space);
    if (!secs.length) continue;
    data.push(space === 'chip' ? '.data' : '.ddr');
    for (const sec of secs) {
      for (let i = 0; i < sec.words.length; i += 8) {
        data.push(`.org ${sec.base + i}`, `.word ${Array.from(sec.words.subarray(i, i + 8)).join(', ')}`);
      }
    }
  }
  return [...head, m.asm, ...data, ''].join('\n');
}
