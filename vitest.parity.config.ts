import { defineConfig } from 'vitest/config';

// `npm run parity`: live comparisons against PyTorch/transformers and gguf-py on the real GGUF
// weights (scripts/parity.sh prepares them). Not part of `npm test`: it needs Python and ~1 GB.
export default defineConfig({
  test: {
    // The GGUF tokenizer test runs in npm test when the files are at hand; here it must run.
    include: ['test/parity/**/*.parity.ts', 'src/text/gguf-tokenizer.test.ts'],
    environment: 'node',
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
