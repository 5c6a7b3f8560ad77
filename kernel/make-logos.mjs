#!/usr/bin/env node
// Draws the kernelspec logos (logo-32x32.png, logo-64x64.png) as real PNGs with node:zlib:
// TypeScript-blue tile with a white DSP "spectrum" of bars. Run: node kernel/make-logos.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** RGBA PNG of size s. */
export function logo(s) {
  const raw = Buffer.alloc(s * (s * 4 + 1));
  const r = s * 0.18; // corner radius
  const heights = [0.35, 0.6, 0.85, 0.5, 0.7, 0.3];
  for (let y = 0; y < s; y++) {
    raw[y * (s * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < s; x++) {
      const o = y * (s * 4 + 1) + 1 + x * 4;
      const dx = Math.max(r - x - 0.5, x + 0.5 - (s - r), 0);
      const dy = Math.max(r - y - 0.5, y + 0.5 - (s - r), 0);
      const inside = dx * dx + dy * dy <= r * r;
      let rgb = [0x31, 0x78, 0xc6];
      const u = x / s, v = y / s;
      const bar = Math.floor((u - 0.17) / 0.11);
      if (bar >= 0 && bar < heights.length && (u - 0.17) % 0.11 < 0.08 && v > 0.82 - heights[bar] * 0.64 && v < 0.82) rgb = [255, 255, 255];
      raw.set([...rgb, inside ? 255 : 0], o);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(s, 0);
  ihdr.writeUInt32BE(s, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = dirname(fileURLToPath(import.meta.url));
  for (const s of [32, 64]) writeFileSync(join(dir, `logo-${s}x${s}.png`), logo(s));
}
