// Connection files for kernels `bwvm run` starts: five free TCP ports on 127.0.0.1, a random
// HMAC key, written with mode 0600 (the key is a secret).
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { writeFileSync, chmodSync } from 'node:fs';

export interface ConnectionInfo {
  transport: 'tcp';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: 'hmac-sha256';
  kernel_name: string;
}

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Fresh connection info with distinct free ports and a random key. */
export async function newConnectionInfo(kernelName = 'bwvm'): Promise<ConnectionInfo> {
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort());
  const [shell, iopub, stdin, control, hb] = [...ports] as [number, number, number, number, number];
  return {
    transport: 'tcp', ip: '127.0.0.1',
    shell_port: shell, iopub_port: iopub, stdin_port: stdin, control_port: control, hb_port: hb,
    key: randomBytes(32).toString('hex'), signature_scheme: 'hmac-sha256', kernel_name: kernelName,
  };
}

/** Write a connection file readable by the owner only. */
export function writeConnectionFile(path: string, info: ConnectionInfo): void {
  writeFileSync(path, JSON.stringify(info, null, 2), { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function endpoint(info: ConnectionInfo, port: number): string {
  return `${info.transport}://${info.ip}:${port}`;
}
