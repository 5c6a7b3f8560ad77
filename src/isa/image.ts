// Binary program image (`bwvm asm -o`): "BWVM" magic, version, a JSON header (entry, symbols,
// regions, data section placement, line count), the encoded slot stream, then the data words.
// readImage(writeImage(p)) gives back p's lines, data, symbols and regions.
import { BwvmError } from '../util/errors.js';
import { decodeLines, encodeLines } from './encode.js';
import type { Program, Region, SymbolInfo } from './types.js';

const MAGIC = 0x4d565742; // "BWVM" little-endian
const VERSION = 1;

interface Header {
  entry: number;
  chipTop: number;
  ddrTop: number;
  codeWords: number;
  symbols: Record<string, SymbolInfo>;
  regions: Region[];
  data: Array<{ space: 'chip' | 'ddr'; base: number; length: number }>;
}

export function writeImage(p: Program): Uint8Array {
  const code = encodeLines(p.lines);
  const header: Header = {
    entry: p.entry, chipTop: p.chipTop, ddrTop: p.ddrTop, codeWords: code.length, symbols: p.symbols, regions: p.regions,
    data: p.data.map((d) => ({ space: d.space, base: d.base, length: d.words.length })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const jsonPadded = Math.ceil(json.length / 4) * 4;
  const dataWords = p.data.reduce((n, d) => n + d.words.length, 0);
  const buf = new ArrayBuffer(12 + jsonPadded + 4 * (code.length + dataWords));
  const u32 = new DataView(buf);
  u32.setUint32(0, MAGIC, true);
  u32.setUint32(4, VERSION, true);
  u32.setUint32(8, json.length, true);
  new Uint8Array(buf, 12, json.length).set(json);
  let off = 12 + jsonPadded;
  for (const w of code) { u32.setUint32(off, w, true); off += 4; }
  for (const d of p.data) for (const w of d.words) { u32.setUint32(off, w, true); off += 4; }
  return new Uint8Array(buf);
}

/** True when the bytes start with the image magic. */
export function isImage(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) === MAGIC;
}

export function readImage(bytes: Uint8Array, source = 'image'): Program {
  const bad = (why: string): never => { throw new BwvmError('ISA_BAD_IMAGE', `${source}: ${why}`, { hint: 'rebuild it with bwvm asm FILE -o OUT' }); };
  if (!isImage(bytes)) bad('not a bwvm program image (missing BWVM magic)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(4, true) !== VERSION) bad(`unsupported image version ${dv.getUint32(4, true)}`);
  const jlen = dv.getUint32(8, true);
  let header: Header;
  try { header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jlen))) as Header; } catch { return bad('corrupt header'); }
  let off = 12 + Math.ceil(jlen / 4) * 4;
  const need = off + 4 * (header.codeWords + header.data.reduce((n, d) => n + d.length, 0));
  if (bytes.byteLength < need) bad(`truncated: ${bytes.byteLength} bytes, ${need} expected`);
  const code = new Uint32Array(header.codeWords);
  for (let i = 0; i < code.length; i++, off += 4) code[i] = dv.getUint32(off, true);
  const data = header.data.map((d) => {
    const words = new Uint32Array(d.length);
    for (let i = 0; i < d.length; i++, off += 4) words[i] = dv.getUint32(off, true);
    return { space: d.space, base: d.base, words };
  });
  return {
    lines: decodeLines(code), data, symbols: header.symbols, regions: header.regions,
    entry: header.entry, chipTop: header.chipTop, ddrTop: header.ddrTop,
  };
}
