// Renders docs/ISA.md from the instruction table (so the document can never drift from the code).
// Regenerate: BWVM_WRITE_DOCS=1 npx vitest run test/isa/docs.test.ts
import { layoutOf } from './encode.js';
import { INSTRUCTIONS, RESERVED_OPCODES } from './table.js';
import type { InstrDef } from './types.js';

function encodingOf(d: InstrDef): string {
  const { lo } = layoutOf(d);
  const parts = [`op=0x${d.op.toString(16).padStart(2, '0')}`];
  d.fields.forEach((fd, i) => parts.push(`${fd.name}[${lo[i]! + fd.width - 1}:${lo[i]}]`));
  if (d.subWidth) parts.push(`sub=${d.sub}[${d.subWidth - 1}:0]`);
  return parts.join(' ');
}

const esc = (s: string): string => s.replace(/\|/g, '\\|');

/** The full markdown text of docs/ISA.md. */
export function renderIsaDoc(): string {
  const rows = INSTRUCTIONS.map((d) =>
    `| \`${d.id}\` | \`${esc(d.syntax)}\` | ${d.unit}${d.fpAdd ? '*' : ''}${d.mac ? '+' : ''} | ${d.lat} | ${d.flopsPerSlot ?? d.flops} | ${encodingOf(d)} | ${esc(d.doc)} |`);
  return `# BWDSP instruction set (generated)

<!-- GENERATED from src/isa/table*.ts by renderIsaDoc() in src/isa/docs.ts. Do not edit by hand:
     regenerate with \`BWVM_WRITE_DOCS=1 npx vitest run test/isa/docs.test.ts\` -->

## Program text

- One source line is one **execution line** (all its slots issue in the same cycle). Slots are
  separated by \`||\`; a line ending in \`||\` continues on the next source line.
- Labels \`name:\`; comments \`// ...\` or \`; ...\`; numbers decimal or \`0x\` hex; \`sym+N\` where a
  number is expected; \`@N\` = code line N.
- Directives: \`.text\`, \`.data\` (on-chip data), \`.ddr\` (DDR data), \`.global a, b\`, \`.entry label\`,
  \`.word v, ...\` (numbers or symbols), \`.float f, ...\`, \`.space N\`, \`.align N\`, \`.org ADDR\`,
  \`.block K\` (start of on-chip block K), \`.code_align N\` (pads the previous line with \`nop\`
  slots so the next line starts at a multiple of N slots), \`.region NAME\` / \`.endregion\`
  (profiler regions; without them every code label not starting with \`.\` starts a region).
- Macro prefix on the destination: \`x\`, \`y\`, \`z\`, \`t\` or several (\`xy\`, \`xyzt\`); the operation
  runs on each named macro with that macro's registers. \`r\` = int32 view, \`fr\` = fp32 view of the
  same 64 registers per macro.
- Address generators U, V, W have 16 registers each (\`u0\`..\`u15\`, ...). \`[u0+=s,n]\`: lane j of the
  mask (x, y, z, t order) accesses word \`u0 + j*n\`; afterwards \`u0 += s\`.

## Semantics and timing

- All slots of a line read their operands before any writes (VLIW semantics).
- Hazards **interlock**: a line waits until every register it reads is ready (latency per class
  from the target); the wait is counted as a dependency stall. Memory bank conflicts in a line
  and DMA waits also stall. A taken branch costs the target's branch penalty; zero-overhead
  loop back-edges cost nothing.
- DMA copies happen at the start command; the program must \`dmaN wait\` before using the data.

## Program (the meeting point of compiler and simulator)

\`Program\` (src/isa/types.ts) = \`lines\` (execution lines of decoded slots \`{op, f}\`, PC = line
index, optional source \`loc\`), \`data\` (initial words per space 'chip' | 'ddr' at a base word
address), \`symbols\` (name -> space, word address or code line, size in words, global),
\`regions\` (named line ranges for the profiler, e.g. one per layer), \`entry\`, \`chipTop\`/\`ddrTop\`.
The assembler produces it, a compiler may build it directly; \`encodeLines\`/\`decodeLines\` and
\`writeImage\`/\`readImage\` serialize it; the simulator (src/sim) runs it.

## Binary encoding

32-bit slots. Bit 31 = P (another slot of the same execution line follows), bits 30..25 = primary
opcode, operand fields packed from bit 24 down, optional sub-opcode in the lowest bits; unused
bits must be zero. Opcodes ${RESERVED_OPCODES.map((o) => `0x${o.toString(16)}`).join(', ')} are
reserved for further extensions. Fixed point: \`r{d}:p\` names the accumulator pair r{d} (low word),
r{d+1} (high word) holding a 64-bit integer (exact in the simulator up to 2^53).

## Instructions

Unit: class used on each macro of the mask (\`*\` = fp add class: runs on the target's
\`fpAddUnit\`; \`+\` = multiply-accumulate: also takes an ALU where the target's \`macUsesAlu\`).
FLOPs are per macro lane (per slot for reductions).

| id | syntax | unit | latency | FLOPs | encoding | meaning |
|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
}
