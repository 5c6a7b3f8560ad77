// The kernel process: reads the connection file, serves the Jupyter protocol with cells running
// in a child process (ChildExecutor), interrupts on SIGINT, stops on SIGTERM or shutdown_request.
import { createRequire } from 'node:module';
import { readConnectionFile } from '../jupyter/connection.js';
import type { KernelIdentity } from '../jupyter/kernel-info.js';
import { KernelServer } from '../jupyter/server.js';
import { ChildExecutor } from './executor-proxy.js';

const require = createRequire(import.meta.url);

/** bwvm's version and the TypeScript version cells compile with (package.json files only). */
export function kernelIdentity(): KernelIdentity {
  const own = require('../../package.json') as { version: string };
  let ts = 'unknown';
  try {
    ts = (require('typescript/package.json') as { version: string }).version;
  } catch {
    // typescript is a dependency; keep 'unknown' rather than fail kernel_info
  }
  return { implementationVersion: own.version, languageVersion: ts };
}

/** Run a kernel until shutdown_request (or SIGTERM). A shutdown with restart=true also ends the
 *  process: the kernel manager (jupyter_client) waits for it to exit and starts a fresh one. */
export async function runKernel(connectionFile: string, opts: { maxMessageBytes?: number } = {}): Promise<void> {
  const connection = readConnectionFile(connectionFile);
  const server = new KernelServer({
    connection, executor: new ChildExecutor(), identity: kernelIdentity(), restartInPlace: false, maxMessageBytes: opts.maxMessageBytes,
  });
  const uninstall = server.installSignalHandlers();
  const onTerm = () => { void server.stop(); };
  process.on('SIGTERM', onTerm);
  try {
    await server.start();
    await server.done;
  } finally {
    uninstall();
    process.off('SIGTERM', onTerm);
  }
}
