// Line-preserving text edits: replacements never add or remove line breaks, so a position in
// the rewritten cell is on the same line as in the original (stack traces need no source map).

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export class EditList {
  private readonly edits: Edit[] = [];
  constructor(readonly source: string) {}

  /** Replace [start,end) by text, then as many newlines as the replaced range had. */
  replace(start: number, end: number, text: string): void {
    const lines = (t: string) => t.split('\n').length - 1;
    const room = lines(this.source.slice(start, end));
    if (lines(text) > room) text = text.replace(/[ \t]*\n\s*/g, ' ');
    this.edits.push({ start, end, text: text + '\n'.repeat(room - lines(text)) });
  }

  /** Overwrite [start,end) with spaces, keeping its line breaks (and columns). */
  blank(start: number, end: number): void {
    if (end <= start) return;
    this.edits.push({ start, end, text: this.source.slice(start, end).replace(/[^\n\r]/g, ' ') });
  }

  /** Blank a whole statement; a leading `;` keeps automatic semicolon insertion unchanged. */
  blankStatement(start: number, end: number): void {
    if (end <= start) return;
    const text = this.source.slice(start, end).replace(/[^\n\r]/g, ' ');
    this.edits.push({ start, end, text: ';' + text.slice(1) });
  }

  insert(pos: number, text: string): void {
    this.edits.push({ start: pos, end: pos, text });
  }

  /** Apply all edits (they must not overlap; inserts at one position keep their order). */
  apply(): string {
    const sorted = this.edits
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.start - b.e.start || (a.e.end - a.e.start) - (b.e.end - b.e.start) || a.i - b.i);
    let out = '';
    let at = 0;
    for (const { e } of sorted) {
      if (e.start < at) continue; // overlapping edit inside an already replaced range: drop it
      out += this.source.slice(at, e.start) + e.text;
      at = e.end;
    }
    return out + this.source.slice(at);
  }
}
