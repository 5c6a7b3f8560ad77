// The full-size soak (`npm run test:soak`): test/soak/*.soak.ts only, outside the default run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/soak/**/*.soak.ts'],
    pool: 'forks',
    testTimeout: 3_600_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
