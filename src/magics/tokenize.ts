// Shell-like tokenizer for magic argument lines: whitespace-separated words, '...' (literal)
// and "..." (backslash escapes) quoting, backslash escapes outside quotes. Each token keeps
// its source offset so a magic can take "the raw rest of the line" from any token on.
import { BwvmError } from '../util/errors.js';

export interface Token {
  value: string;
  /** Offset of the token's first character in the source. */
  start: number;
  end: number;
  /** Any part of it was quoted or escaped (so "--x" in quotes is a value, not a flag). */
  quoted: boolean;
}

/** The next token at or after `pos`, or undefined at the end. */
export function nextToken(src: string, pos: number): Token | undefined {
  let i = pos;
  while (i < src.length && /\s/.test(src[i]!)) i++;
  if (i >= src.length) return undefined;
  const start = i;
  let value = '';
  let quoted = false;
  while (i < src.length && !/\s/.test(src[i]!)) {
    const c = src[i]!;
    if (c === "'" || c === '"') {
      quoted = true;
      const close = c;
      i++;
      while (i < src.length && src[i] !== close) {
        if (close === '"' && src[i] === '\\' && i + 1 < src.length) i++;
        value += src[i];
        i++;
      }
      if (i >= src.length) {
        throw new BwvmError('magic-unterminated-quote', `unterminated ${close} quote in: ${src.slice(start)}`, {
          hint: `close the quote, or escape it with a backslash (\\${close})`,
        });
      }
      i++;
    } else if (c === '\\' && i + 1 < src.length) {
      quoted = true;
      value += src[i + 1];
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  return { value, start, end: i, quoted };
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  for (let t = nextToken(src, pos); t; t = nextToken(src, pos)) {
    out.push(t);
    pos = t.end;
  }
  return out;
}
