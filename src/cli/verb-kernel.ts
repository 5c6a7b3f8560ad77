// `bwvm kernel -f CONNECTION_FILE`: run the Jupyter kernel (what kernel.json's argv starts).
import { parseArgs } from 'node:util';
import { errorMessage } from '../util/errors.js';

export const KERNEL_SUMMARY = 'run the Jupyter kernel on a connection file (started by Jupyter)';
export const KERNEL_USAGE = `usage: bwvm kernel -f CONNECTION_FILE

Runs the bwvm Jupyter kernel. Jupyter starts it through the kernelspec that
\`bwvm install\` writes; the connection file gives the ports, ip and HMAC key.
  -f, --connection-file FILE   the JSON connection file`;

export async function kernelVerb(args: string[]): Promise<number> {
  let file: string | undefined;
  try {
    const { values } = parseArgs({ args, options: { 'connection-file': { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      process.stdout.write(KERNEL_USAGE + '\n');
      return 0;
    }
    file = values['connection-file'];
  } catch (e) {
    process.stderr.write(`bwvm kernel: ${errorMessage(e)}\n${KERNEL_USAGE}\n`);
    return 2;
  }
  if (!file) {
    process.stderr.write(`bwvm kernel: missing -f CONNECTION_FILE\n${KERNEL_USAGE}\n`);
    return 2;
  }
  try {
    // Loaded here so that other verbs never load the executor.
    const { runKernel } = await import('../main/kernel.js');
    await runKernel(file);
  } catch (e) {
    process.stderr.write(`bwvm kernel: ${errorMessage(e)}\n`);
    return 1;
  }
  // Lingering handles (a dying executor child) must not keep a shut-down kernel alive.
  setTimeout(() => process.exit(0), 1000).unref();
  return 0;
}
