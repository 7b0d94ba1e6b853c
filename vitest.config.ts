import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that need more than memory and a CPU for a moment: the controller against the sandbox, the CLI in
 * a child process, the findings store on the embedded DynamoDB, the CDK app synthesized. Seconds each.
 * test/test-projects.test.ts fails when a `unit` file starts any of these.
 */
export const E2E = [
  'test/e2e/**/*.test.ts',
  'test/e2e-events/**/*.test.ts',
  'test/cli/**/*.test.ts',
  'test/infra/**/*.test.ts',
  'test/sandbox/iam-snapshot.test.ts',
  'test/store/findings-store.test.ts',
  'test/functions/**/*.test.ts',
  'test/controller/report-api.test.ts',
  'test/dashboard/dashboard-routes.test.ts',
  'test/notify/store-to-alerts.test.ts',
  'test/notify/alert-policy.test.ts',
];
/** Tests that drive Chromium (Debian's `chromium` package). */
export const BROWSER = ['test/browser/**/*.test.ts'];

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/build-cli.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_DEV: 'false' },
    // Test files share a worker's module cache instead of importing the SDK, CDK and sandbox again for
    // each file (that import was most of the unit project's time). Tests keep no state in modules: mocks
    // of SDK clients are restored after their file, and nothing patches globals.
    isolate: false,
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
