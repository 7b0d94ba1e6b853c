import { join } from 'node:path';
import { loadConfigFile } from '../cli/config-file.js';
import { serveReport } from '../cli/serve.js';
import { loadWorldFile } from '../cli/world-file.js';
import { runSandbox } from '../sandbox/runner.js';
import { reportContext } from '../shared/controller/report-context.js';
import { launchChromium } from './chromium.js';

const root = join(import.meta.dirname, '..');
const OUTPUT = join(root, 'docs', 'dashboard.png');

/**
 * `npm run screenshot`: the demo organization after two simulated days, its dashboard in Chromium (the
 * browser the tests use), the top of the page saved as docs/dashboard.png for the README.
 */
async function main(): Promise<void> {
  const world = await loadWorldFile(join(root, 'sandbox/demo/world.yaml'));
  if (!world) throw new Error('The demo world does not load.');
  const start = new Date(world.start);
  const loaded = await loadConfigFile(join(root, 'examples/orgbackup.config.yaml'), start);
  if (!loaded.ok) throw new Error('The example config does not load.');
  const result = await runSandbox({
    world,
    config: loaded.config,
    until: new Date(start.getTime() + 2 * 86_400_000),
    seed: 1,
  });
  const { url, server } = await serveReport(result.store, 0, reportContext(result.desired));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1500 }, colorScheme: 'light' });
    await page.goto(`${url}/`);
    await page.waitForSelector('body[data-ready=true]');
    await page.screenshot({ path: OUTPUT });
    process.stdout.write(`Wrote ${OUTPUT}\n`);
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
    await result.close();
  }
}

await main();
