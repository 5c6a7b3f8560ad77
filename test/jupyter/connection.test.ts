// Connection files: validation with errors naming the field, reading, endpoints, writing 0600.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpoint, newConnectionInfo, parseConnectionInfo, readConnectionFile, writeConnectionFile } from '../../src/jupyter/connection.js';

const good = { transport: 'tcp', ip: '127.0.0.1', shell_port: 5001, control_port: 5002, stdin_port: 5003, iopub_port: 5004, hb_port: 5005, key: 'abc', signature_scheme: 'hmac-sha256', kernel_name: 'bwvm' };

describe('connection files', () => {
  it('accepts a complete file and builds tcp and ipc endpoints', () => {
    const info = parseConnectionInfo(good);
    expect(endpoint(info, 'shell')).toBe('tcp://127.0.0.1:5001');
    expect(endpoint(info, 'hb')).toBe('tcp://127.0.0.1:5005');
    expect(endpoint({ ...info, transport: 'ipc', ip: '/tmp/k' }, 'iopub')).toBe('ipc:///tmp/k-5004');
  });

  const cases: [string, unknown, RegExp][] = [
    ['not an object', [1], /expected a JSON object/],
    ['missing ip', { ...good, ip: undefined }, /missing field 'ip'/],
    ['missing shell_port', { ...good, shell_port: undefined }, /'shell_port'/],
    ['missing hb_port', Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'hb_port')), /missing field 'hb_port'/],
    ['port out of range', { ...good, iopub_port: 70000 }, /'iopub_port' must be an integer port/],
    ['port not a number', { ...good, control_port: '5002' }, /'control_port'/],
    ['missing key', { ...good, key: undefined }, /missing field 'key'/],
    ['bad signature scheme', { ...good, signature_scheme: 'hmac-sha1' }, /signature_scheme 'hmac-sha1' is not supported/],
    ['bad transport', { ...good, transport: 'udp' }, /transport 'udp'/],
  ];
  it.each(cases)('rejects %s with a clear error', (_, value, msg) => {
    expect(() => parseConnectionInfo(value, 'conn.json')).toThrow(msg);
    try {
      parseConnectionInfo(value, 'conn.json');
    } catch (e) {
      expect((e as { code: string }).code).toBe('jupyter/connection-file');
      expect((e as Error).message).toContain('conn.json');
      expect((e as Error).message).toContain('hint:');
    }
  });

  it('reads a file; names the file on unreadable or non-JSON input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bwvm-conn-'));
    const p = join(dir, 'k.json');
    writeFileSync(p, JSON.stringify(good));
    expect(readConnectionFile(p).shell_port).toBe(5001);
    writeFileSync(p, '{oops');
    expect(() => readConnectionFile(p)).toThrow(/is not valid JSON/);
    expect(() => readConnectionFile(join(dir, 'absent.json'))).toThrow(/cannot read connection file/);
  });

  it('writes connection files with mode 0600 and fresh distinct ports', async () => {
    const info = await newConnectionInfo();
    const ports = [info.shell_port, info.control_port, info.stdin_port, info.iopub_port, info.hb_port];
    expect(new Set(ports).size).toBe(5);
    expect(info.key).toMatch(/^[0-9a-f]{64}$/);
    const p = join(mkdtempSync(join(tmpdir(), 'bwvm-conn-')), 'c.json');
    writeConnectionFile(p, info);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readConnectionFile(p)).toEqual(info);
  });
});
