import { configDefaults, defineConfig } from 'vitest/config';

/** Tests that run the whole controller against the sandbox (minutes, not seconds). */
const E2E = ['test/e2e/**/*.test.ts', 'test/e2e-events/**/*.test.ts', 'test/cli/**/*.test.ts'];
/** Tests that drive Chromium (Debian's `chromium` package). */
const BROWSER = ['test/browser/**/*.test.ts'];

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/build-cli.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_DEV: 'false' },
    // `npm test` runs all three; `npm run test:unit` only the fast one.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...E2E, ...BROWSER],
        },
      },
      { extends: true, test: { name: 'e2e', include: E2E } },
      { extends: true, test: { name: 'browser', include: BROWSER } },
    ],
  },
});
