// The real kernel process for hardening tests: `bwvm kernel -f conn.json` from the built dist/,
// a real zmq JupyterClient, the executor child's pid (from /proc) and its resident memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newConnectionInfo, writeConnectionFile, type ConnectionInfo } from '../../../src/jupyter/connection.js';
import { BWVM_BIN, ensureBuilt, ROOT } from '../../conformance/build.js';
import { JupyterClient } from '../../support/jupyter-client.js';

export interface KernelProcess {
  proc: ChildProcess;
  client: JupyterClient;
  info: ConnectionInfo;
  connectionFile: string;
  /** Everything the kernel (and its executor child) wrote to stdout/stderr. */
  log(): string;
  /** Pid of the executor child the kernel forked (throws when there is none or several). */
  executorPid(): number;
  stop(): Promise<void>;
}

/** Direct children of `pid` (all its threads), from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
    if (text) out.push(...text.split(/\s+/).map(Number));
  }
  return [...new Set(out)];
}

/** Resident set size of a process in bytes (VmRSS of /proc/PID/status). */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export async function startKernel(opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<KernelProcess> {
  ensureBuilt();
  const info = await newConnectionInfo();
  const connectionFile = join(mkdtempSync(join(tmpdir(), 'bwvm-hardening-')), 'conn.json');
  writeConnectionFile(connectionFile, info);
  const proc = spawn(process.execPath, [BWVM_BIN, 'kernel', '-f', connectionFile], {
    cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env,
  });
  let log = '';
  proc.stdout!.on('data', (b) => { log += b; });
  proc.stderr!.on('data', (b) => { log += b; });
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  let client: JupyterClient;
  try {
    client = await JupyterClient.connect(info, 90_000);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`kernel did not start: ${String(e)}\n${log}`);
  }
  return {
    proc, client, info, connectionFile,
    log: () => log,
    executorPid() {
      const kids = childPids(proc.pid!);
      if (kids.length !== 1) throw new Error(`expected one executor child of ${proc.pid}, found [${kids.join(', ')}]`);
      return kids[0]!;
    },
    async stop() {
      client.close();
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}
