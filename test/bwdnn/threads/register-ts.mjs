// Test support: `node --import ./register-ts.mjs child.ts` loads TypeScript sources (see ts-hooks.mjs).
import { register } from 'node:module';
register('./ts-hooks.mjs', import.meta.url);
