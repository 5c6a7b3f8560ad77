// Connection files bwvm run writes: distinct free ports on 127.0.0.1, a random key, mode 0600,
// readable by src/jupyter's connection-file parser.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newConnectionInfo, readConnectionFile, writeConnectionFile } from '../../../src/jupyter/connection.js';

const dir = mkdtempSync(join(tmpdir(), 'bwvm-conn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const canListen = (port: number) => new Promise<boolean>((resolve) => {
  const s = createServer();
  s.once('error', () => resolve(false));
  s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
});

describe('connection files', () => {
  it('has five distinct free ports and a fresh 256-bit key', async () => {
    const a = await newConnectionInfo();
    const b = await newConnectionInfo();
    const ports = [a.shell_port, a.iopub_port, a.stdin_port, a.control_port, a.hb_port];
    expect(new Set(ports).size).toBe(5);
    for (const p of ports) expect(await canListen(p)).toBe(true);
    expect(a.ip).toBe('127.0.0.1');
    expect(a.key).toMatch(/^[0-9a-f]{64}$/);
    expect(a.key).not.toBe(b.key);
  });

  it('is written with mode 0600 and parses with the kernel side reader', async () => {
    const info = await newConnectionInfo();
    const p = join(dir, 'k.json');
    writeConnectionFile(p, info);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readConnectionFile(p)).toMatchObject({ key: info.key, shell_port: info.shell_port, signature_scheme: 'hmac-sha256' });
  });
});
