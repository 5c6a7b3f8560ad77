// Starting and stopping the kernel `bwvm run` talks to: a child process launched from an argv
// template ('{connection_file}' is substituted, as in a kernelspec), stopped with
// shutdown_request first and SIGKILL after a grace period.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BwvmError } from '../../util/errors.js';
import { KernelClient, sleep, type Message } from './client.js';
import { newConnectionInfo, writeConnectionFile, type ConnectionInfo } from '../../jupyter/connection.js';

/** bin/bwvm.js of this checkout (works from src/ under vitest and from dist/). */
export const BWVM_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'bwvm.js');

/** The bwvm kernel, as `bwvm install` registers it. */
export const BWVM_KERNEL_ARGV = [process.execPath, BWVM_BIN, 'kernel', '-f', '{connection_file}'];

export interface StartOptions {
  argv?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Seconds to wait for the first kernel_info_reply. */
  startTimeout?: number;
  /** Called with the kernel's stderr/stdout text (default: kept for error messages only). */
  onLog?: (text: string) => void;
}

export class RunningKernel {
  private exited = false;
  private log = '';
  info!: Message;
  /** Resolves when the kernel process has exited. */
  readonly exit: Promise<void>;

  private constructor(
    readonly proc: ChildProcess, readonly client: KernelClient, readonly connection: ConnectionInfo, private readonly dir: string,
  ) {
    this.exit = new Promise((resolve) => proc.once('exit', () => { this.exited = true; resolve(); }));
  }

  static async start(opts: StartOptions = {}): Promise<RunningKernel> {
    const argv = opts.argv ?? BWVM_KERNEL_ARGV;
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-run-'));
    const connFile = join(dir, 'kernel.json');
    const conn = await newConnectionInfo();
    writeConnectionFile(connFile, conn);
    const [cmd, ...args] = argv.map((a) => a.replaceAll('{connection_file}', connFile));
    const proc = spawn(cmd!, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const k = new RunningKernel(proc, new KernelClient(conn), conn, dir);
    const onData = (b: Buffer) => {
      const t = b.toString();
      k.log = (k.log + t).slice(-8000);
      opts.onLog?.(t);
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    const spawnError = new Promise<never>((_, reject) => proc.on('error', (e) => reject(
      new BwvmError('KERNEL_SPAWN', `cannot start the kernel (${cmd}): ${e.message}`, { hint: 'check the kernel command / run npm run build' }))));
    try {
      k.info = await Promise.race([k.client.waitForReady((opts.startTimeout ?? 60) * 1000, () => !k.exited), spawnError]);
    } catch (e) {
      await k.stop(0);
      if (e instanceof BwvmError) throw e;
      throw new BwvmError('KERNEL_START', `the kernel did not start: ${(e as Error).message}\n${k.log.trim()}`, {
        hint: `kernel command: ${argv.join(' ')}`,
      });
    }
    return k;
  }

  get alive(): boolean {
    return !this.exited;
  }

  get recentLog(): string {
    return this.log;
  }

  /** Wait for the process to exit, up to `ms`; true if it did. */
  async waitExit(ms: number): Promise<boolean> {
    if (this.exited) return true;
    await Promise.race([this.exit, sleep(ms)]);
    return this.exited;
  }

  /** shutdown_request, then SIGKILL if still running after `graceMs`; removes the connection file. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.exited && graceMs > 0) {
      await Promise.race([this.client.shutdown().catch(() => undefined), sleep(graceMs)]);
      await this.waitExit(graceMs);
    }
    if (!this.exited) {
      this.proc.kill('SIGKILL');
      await this.waitExit(2000);
    }
    this.client.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
