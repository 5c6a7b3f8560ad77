// `bwvm sim FILE [--target T]`: run an assembly file or program image on the cycle-level
// simulator and print the profile (cycles, FLOP efficiency, utilization, stalls, memory traffic).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { assemble, isImage, readImage } from '../isa/index.js';
import { Simulator, formatProfile } from '../sim/index.js';
import { DEFAULT_TARGET, resolveTarget } from '../target/index.js';
import { errorMessage, isBwvmError } from '../util/errors.js';

export const SIM_USAGE = `usage: bwvm sim FILE [--target T] [--mode fast|traced] [--max-cycles N] [--show SYM,...] [--json]

Runs FILE (assembly .s or an image from bwvm asm) on the simulator and prints its profile.
  --target T        preset (bwdsp104x, bwdsp100) or JSON target file (default: ${DEFAULT_TARGET})
  --mode M          fast (default) or traced (adds a timeline to --json)
  --max-cycles N    fault past N cycles (default 1e9)
  --show SYMS       print these data symbols (fp32) after the run
  --json            print the profile as JSON`;

export const SIM_SUMMARY = 'run a DSP program on the cycle-level simulator and print its profile';

/** Exit status: 0 ok, 1 program error or fault, 2 usage error. */
export async function simVerb(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: {
      target: { type: 'string' }, mode: { type: 'string' }, 'max-cycles': { type: 'string' }, show: { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    } });
  } catch (e) {
    process.stderr.write(`bwvm sim: ${errorMessage(e)}\n${SIM_USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) { process.stdout.write(SIM_USAGE + '\n'); return 0; }
  if (positionals.length !== 1) {
    process.stderr.write(`bwvm sim: expected one program file, got ${positionals.length}\n${SIM_USAGE}\n`);
    return 2;
  }
  const mode = v.mode ?? 'fast';
  if (mode !== 'fast' && mode !== 'traced') { process.stderr.write(`bwvm sim: --mode must be fast or traced, got '${mode}'\n`); return 2; }
  const maxCycles = v['max-cycles'] === undefined ? 1e9 : Number(v['max-cycles']);
  if (!(maxCycles > 0)) { process.stderr.write(`bwvm sim: --max-cycles must be a positive number\n`); return 2; }
  const file = positionals[0]!;
  try {
    const t = await resolveTarget(v.target ?? DEFAULT_TARGET);
    const bytes = new Uint8Array(await readFile(file));
    const p = isImage(bytes) ? readImage(bytes, file) : assemble(new TextDecoder().decode(bytes), { file, limits: t, blockWords: t.memory.blockWords });
    const sim = new Simulator(p, t);
    const { profile } = await sim.run({ mode, maxCycles });
    const shown = (v.show ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const outputs = Object.fromEntries(shown.map((s) => [s, Array.from(sim.readOutput(s))]));
    if (v.json) process.stdout.write(JSON.stringify({ profile, outputs }, null, 1) + '\n');
    else {
      process.stdout.write(formatProfile(profile) + '\n');
      for (const [k, vals] of Object.entries(outputs)) process.stdout.write(`${k} = [${vals.join(', ')}]\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`bwvm sim: ${isBwvmError(e) ? `[${e.code}] ` : ''}${errorMessage(e)}\n`);
    return isBwvmError(e) ? 1 : 2;
  }
}
