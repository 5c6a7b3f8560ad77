// docs/ISA.md is generated from the instruction table; this test fails when it is stale.
// Regenerate: BWVM_WRITE_DOCS=1 npx vitest run test/isa/docs.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { INSTRUCTIONS, renderIsaDoc } from '../../src/isa/index.js';

const PATH = new URL('../../docs/ISA.md', import.meta.url);

test('docs/ISA.md is up to date with the instruction table', () => {
  const fresh = renderIsaDoc();
  if (process.env.BWVM_WRITE_DOCS === '1') writeFileSync(PATH, fresh);
  let current = '';
  try { current = readFileSync(PATH, 'utf8'); } catch { /* missing: reported below */ }
  expect(current === fresh, 'docs/ISA.md is stale: regenerate with `BWVM_WRITE_DOCS=1 npx vitest run test/isa/docs.test.ts`').toBe(true);
  for (const d of INSTRUCTIONS) expect(fresh).toContain(`| \`${d.id}\` |`);
});
