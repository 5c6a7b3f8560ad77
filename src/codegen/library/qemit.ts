// The `asm` output of an integer model in library mode: the linked Program as one BWDSP assembly
// file (code, regions, symbols and the initial data: packed weights, requantization tables and
// kernel constants) that `assemble()` rebuilds, with a header naming the layers and the symbols.
import { disassemble } from '../../isa/index.js';
import type { QLibraryModel } from './qlower.js';

export function qlibraryAsmSource(m: QLibraryModel): string {
  const head = [
    `// ${m.target}: integer model (int${m.bits}) in library mode, ${m.layers.length} layers: ${m.layers.map((l) => `${l.node}=${l.calls.map((c) => c.kernel).join('+')}`).join(', ')}`,
    `// on-chip words: constants ${m.memory.weightWords}, statics ${m.memory.staticWords}, peak ${m.memory.peakWords} of ${m.memory.chipWords}`,
    `// input ${m.input.symbol} [${m.input.shape.join('x')}] @${m.input.addr}: int32 words, q = sat(round_half_even(x / ${m.input.value.quant.scale[0]}) + ${m.input.value.quant.zeroPoint[0]})`,
    `// output ${m.output.symbol} [${m.output.shape.join('x')}] @${m.output.addr}: int32 words, x = (q - ${m.output.value.quant.zeroPoint[0]}) * ${m.output.value.quant.scale[0]}`,
  ];
  return [...head, disassemble(m.program), ''].join('\n');
}
