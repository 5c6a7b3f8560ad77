// `bwvm VERB ...`: dispatch through the verb table; help, version, and an unknown verb named
// together with the valid ones.
import { createRequire } from 'node:module';
import { findVerb, VERBS, type Verb } from './verbs.js';

function overview(verbs: readonly Verb[]): string {
  const w = Math.max(...verbs.map((v) => v.name.length));
  return [
    'usage: bwvm VERB [options]',
    '',
    'bwvm: a TypeScript Jupyter kernel and toolchain taking trained DNNs to the BWDSP.',
    '',
    'verbs:',
    ...verbs.map((v) => `  ${v.name.padEnd(w)}  ${v.summary}`),
    '',
    'bwvm help VERB (or bwvm VERB --help) shows the options of a verb; bwvm --version the version.',
  ].join('\n');
}

/** Run the CLI; resolves with the exit status. */
export async function main(argv: string[], verbs: readonly Verb[] = VERBS): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(overview(verbs) + '\n');
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest[0] !== undefined) {
      const v = findVerb(rest[0], verbs);
      if (!v) return unknown(rest[0], verbs);
      process.stdout.write(v.usage + '\n');
      return 0;
    }
    process.stdout.write(overview(verbs) + '\n');
    return 0;
  }
  if (first === '--version' || first === '-V') {
    const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
    process.stdout.write(`bwvm ${pkg.version}\n`);
    return 0;
  }
  const verb = findVerb(first, verbs);
  if (!verb) return unknown(first, verbs);
  try {
    return await verb.run(rest);
  } catch (e) {
    process.stderr.write(`bwvm ${verb.name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

function unknown(name: string, verbs: readonly Verb[]): number {
  process.stderr.write(`bwvm: unknown verb '${name}'. Valid verbs: ${verbs.map((v) => v.name).join(', ')}. See bwvm --help.\n`);
  return 2;
}
