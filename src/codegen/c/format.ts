// Re-indents generated C by brace depth (2 spaces per level), so emitters can return flat
// statement lists and the listing still reads like hand-written code. Braces inside comments
// and string literals are ignored.
export function indentC(lines: readonly string[], base = 0): string[] {
  let depth = base;
  return lines.map((raw) => {
    const line = raw.trim();
    const code = line.replace(/\/\*.*?\*\//g, '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const opens = (code.match(/{/g) ?? []).length, closes = (code.match(/}/g) ?? []).length;
    const lead = code.startsWith('}') ? 1 : 0;
    const at = Math.max(0, depth - lead);
    depth = Math.max(0, depth + opens - closes);
    return line ? '  '.repeat(at) + line : '';
  });
}
