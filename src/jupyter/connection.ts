// Connection files: parse and validate the JSON Jupyter hands a kernel (ports, ip, transport,
// HMAC key and scheme), endpoints per channel, and writing one with mode 0600 (the key is secret).
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { BwvmError } from '../util/errors.js';

export type Channel = 'shell' | 'control' | 'stdin' | 'iopub' | 'hb';

export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  control_port: number;
  stdin_port: number;
  iopub_port: number;
  hb_port: number;
  key: string;
  signature_scheme: 'hmac-sha256';
  kernel_name?: string;
}

const PORTS = ['shell_port', 'control_port', 'stdin_port', 'iopub_port', 'hb_port'] as const;

function bad(source: string, what: string, hint: string): never {
  throw new BwvmError('jupyter/connection-file', `invalid connection file ${source}: ${what}`, { hint });
}

/** Validate a parsed connection file; throws BwvmError('jupyter/connection-file') naming the field. */
export function parseConnectionInfo(value: unknown, source = '(inline)'): ConnectionInfo {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad(source, 'expected a JSON object', 'Jupyter writes it; pass the file Jupyter gives in {connection_file}');
  }
  const v = value as Record<string, unknown>;
  const transport = v.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') bad(source, `transport '${String(transport)}' is not supported`, "use \"transport\": \"tcp\" or \"ipc\"");
  if (typeof v.ip !== 'string' || v.ip === '') bad(source, "missing field 'ip'", 'add e.g. "ip": "127.0.0.1"');
  for (const p of PORTS) {
    if (!(p in v)) bad(source, `missing field '${p}'`, `add "${p}": <a free port number>`);
    const n = v[p];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) bad(source, `'${p}' must be an integer port 1..65535, got ${JSON.stringify(n)}`, `set "${p}" to a free port`);
  }
  if (typeof v.key !== 'string') bad(source, "missing field 'key' (the HMAC key)", 'add "key": "<random hex>"; an empty key disables message signing');
  const scheme = v.signature_scheme ?? 'hmac-sha256';
  if (scheme !== 'hmac-sha256') bad(source, `signature_scheme '${String(scheme)}' is not supported`, 'bwvm only supports "signature_scheme": "hmac-sha256"');
  const info: ConnectionInfo = {
    transport, ip: v.ip,
    shell_port: v.shell_port as number, control_port: v.control_port as number, stdin_port: v.stdin_port as number,
    iopub_port: v.iopub_port as number, hb_port: v.hb_port as number,
    key: v.key, signature_scheme: 'hmac-sha256',
  };
  if (typeof v.kernel_name === 'string') info.kernel_name = v.kernel_name;
  return info;
}

/** Read and validate a connection file. */
export function readConnectionFile(path: string): ConnectionInfo {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BwvmError('jupyter/connection-file', `cannot read connection file ${path}: ${(e as Error).message}`, { hint: 'pass the path Jupyter gives in {connection_file}: bwvm kernel -f FILE' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BwvmError('jupyter/connection-file', `connection file ${path} is not valid JSON: ${(e as Error).message}`, { hint: 'it must be the JSON file Jupyter writes' });
  }
  return parseConnectionInfo(json, path);
}

/** Write a connection file readable by its owner only (mode 0600). */
export function writeConnectionFile(path: string, info: ConnectionInfo): void {
  writeFileSync(path, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** ZeroMQ endpoint of one channel: tcp://ip:port, or ipc://ip-port as Jupyter names ipc files. */
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port` as (typeof PORTS)[number]];
  return info.transport === 'tcp' ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}

/** A TCP port free right now on `host` (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Fresh tcp connection info on `ip` with five distinct free ports and a random key. */
export async function newConnectionInfo(ip = '127.0.0.1', kernelName = 'bwvm'): Promise<ConnectionInfo> {
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort(ip));
  const [shell, control, stdin, iopub, hb] = [...ports] as [number, number, number, number, number];
  return {
    transport: 'tcp', ip, shell_port: shell, control_port: control, stdin_port: stdin, iopub_port: iopub, hb_port: hb,
    key: randomBytes(32).toString('hex'), signature_scheme: 'hmac-sha256', kernel_name: kernelName,
  };
}
