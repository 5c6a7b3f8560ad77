// `bwvm kernel -f CONNECTION_FILE`: run the Jupyter kernel (what kernel.json's argv starts).
import { parseArgs } from 'node:util';
import { errorMessage } from '../util/errors.js';

export const KERNEL_SUMMARY = 'run the Jupyter kernel on a connection file (started by Jupyter)';
export const KERNEL_USAGE = `usage: bwvm kernel -f CONNECTION_FILE

Runs the bwvm Jupyter kernel. Jupyter starts it through the kernelspec that
\`bwvm install\` writes; the connection file gives the ports, ip and HMAC key.
  -f, --connection-file FILE   the JSON connection file
  --max-message-mib N          drop (and log) incoming messages larger than N MiB (default 64)`;

export async function kernelVerb(args: string[]): Promise<number> {
  let file: string | undefined;
  let maxMessageBytes: number | undefined;
  try {
    const { values } = parseArgs({
      args,
      options: { 'connection-file': { type: 'string', short: 'f' }, 'max-message-mib': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(KERNEL_USAGE + '\n');
      return 0;
    }
    file = values['connection-file'];
    if (values['max-message-mib'] !== undefined) {
      const mib = Number(values['max-message-mib']);
      if (!(mib > 0)) throw new Error(`--max-message-mib must be a positive number, got '${values['max-message-mib']}'`);
      maxMessageBytes = Math.floor(mib * 1024 * 1024);
    }
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
    await runKernel(file, { maxMessageBytes });
  } catch (e) {
    process.stderr.write(`bwvm kernel: ${errorMessage(e)}\n`);
    return 1;
  }
  // Lingering handles (a dying executor child) must not keep a shut-down kernel alive.
  setTimeout(() => process.exit(0), 1000).unref();
  return 0;
}
