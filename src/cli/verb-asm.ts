// `bwvm asm FILE -o OUT`: assemble BWDSP assembly into a binary program image (or print a
// disassembly listing with --list), checking lines against a target.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { assemble, disassemble, writeImage } from '../isa/index.js';
import { DEFAULT_TARGET, resolveTarget } from '../target/index.js';
import { errorMessage, isBwvmError } from '../util/errors.js';

export const ASM_USAGE = `usage: bwvm asm FILE.s [-o OUT.bwx] [--target T] [--list]

Assembles FILE.s (BWDSP assembly, see docs/ISA.md) into a program image.
  -o, --output OUT   where to write the image (default: FILE.bwx)
  --target T         preset (bwdsp104x, bwdsp100) or JSON file to check lines against (default: ${DEFAULT_TARGET})
  --list             print the canonical disassembly instead of writing an image`;

export const ASM_SUMMARY = 'assemble BWDSP assembly into a program image';

/** Exit status: 0 ok, 1 assembly error, 2 usage error. */
export async function asmVerb(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: {
      output: { type: 'string', short: 'o' }, target: { type: 'string' }, list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    } });
  } catch (e) {
    process.stderr.write(`bwvm asm: ${errorMessage(e)}\n${ASM_USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) { process.stdout.write(ASM_USAGE + '\n'); return 0; }
  if (positionals.length !== 1) {
    process.stderr.write(`bwvm asm: expected one assembly file, got ${positionals.length}\n${ASM_USAGE}\n`);
    return 2;
  }
  const file = positionals[0]!;
  try {
    const t = await resolveTarget(v.target ?? DEFAULT_TARGET);
    const src = await readFile(file, 'utf8');
    const p = assemble(src, { file, limits: t, blockWords: t.memory.blockWords });
    if (v.list) { process.stdout.write(disassemble(p)); return 0; }
    const out = v.output ?? file.replace(/\.[^./]*$/, '') + '.bwx';
    await writeFile(out, writeImage(p));
    const slots = p.lines.reduce((n, l) => n + l.slots.length, 0);
    process.stdout.write(`${out}: ${p.lines.length} execution lines, ${slots} slots, ${p.chipTop} on-chip + ${p.ddrTop} DDR data words\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`bwvm asm: ${isBwvmError(e) ? `[${e.code}] ` : ''}${errorMessage(e)}\n`);
    return isBwvmError(e) ? 1 : 2;
  }
}
