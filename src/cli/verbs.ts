// The CLI verb table: name, one-line summary, usage text and the function running it. Adding a
// verb is one row here (and its file).
import { ASM_SUMMARY, ASM_USAGE, asmVerb } from './verb-asm.js';
import { COMPILE_SUMMARY, COMPILE_USAGE, compileVerb } from './verb-compile.js';
import { COMPRESS_SUMMARY, COMPRESS_USAGE, compressVerb } from './verb-compress.js';
import { INSTALL_SUMMARY, INSTALL_USAGE, installVerb } from './verb-install.js';
import { KERNEL_SUMMARY, KERNEL_USAGE, kernelVerb } from './verb-kernel.js';
import { QUANTIZE_SUMMARY, QUANTIZE_USAGE, quantizeVerb } from './verb-quantize.js';
import { RUN_SUMMARY, RUN_USAGE, runVerb } from './verb-run.js';
import { SIM_SUMMARY, SIM_USAGE, simVerb } from './verb-sim.js';

export interface Verb {
  name: string;
  summary: string;
  usage: string;
  /** Exit status: 0 ok, 1 failure, 2 usage error. */
  run(args: string[]): Promise<number>;
}

export const VERBS: readonly Verb[] = [
  { name: 'asm', summary: ASM_SUMMARY, usage: ASM_USAGE, run: asmVerb },
  { name: 'compile', summary: COMPILE_SUMMARY, usage: COMPILE_USAGE, run: compileVerb },
  { name: 'compress', summary: COMPRESS_SUMMARY, usage: COMPRESS_USAGE, run: compressVerb },
  { name: 'install', summary: INSTALL_SUMMARY, usage: INSTALL_USAGE, run: installVerb },
  { name: 'kernel', summary: KERNEL_SUMMARY, usage: KERNEL_USAGE, run: kernelVerb },
  { name: 'quantize', summary: QUANTIZE_SUMMARY, usage: QUANTIZE_USAGE, run: quantizeVerb },
  { name: 'run', summary: RUN_SUMMARY, usage: RUN_USAGE, run: runVerb },
  { name: 'sim', summary: SIM_SUMMARY, usage: SIM_USAGE, run: simVerb },
];

export function findVerb(name: string, verbs: readonly Verb[] = VERBS): Verb | undefined {
  return verbs.find((v) => v.name === name);
}
