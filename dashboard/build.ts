import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, transform } from 'esbuild';

const here = import.meta.dirname;
/** The page as the report API serves it; committed, so deploying and `npm start` need no build step. */
export const PAGE_FILE = join(here, '..', 'shared', 'dashboard', 'page.json');

/** `'sha256-…'` of an inline script or style, as a Content-Security-Policy source expression. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The dashboard page: the browser code bundled and minified, inlined with the styles into one HTML document,
 * and the Content-Security-Policy that allows exactly those two inline blocks (by hash) and requests to the
 * page's own origin, nothing else.
 */
export async function buildDashboardPage(): Promise<{ html: string; csp: string }> {
  const bundle = await build({
    entryPoints: [join(here, 'app', 'index.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    platform: 'browser',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  // A `</script` inside the code would end the element early.
  const script = bundle.outputFiles[0]!.text.trim().replaceAll('</script', '<\\/script');
  const css = await transform(readFileSync(join(here, 'style.css'), 'utf8'), { loader: 'css', minify: true });
  const style = css.code.trim();
  const template = readFileSync(join(here, 'index.html'), 'utf8');
  const html = template.replace('/*STYLE*/', () => style).replace('/*SCRIPT*/', () => script);
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(script)}`,
    `style-src ${cspHash(style)}`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, csp };
}

/** The page as the report API serves it (`shared/dashboard/page.json`): response headers and body. */
export async function pageDocument(): Promise<{ headers: Record<string, string>; html: string }> {
  const { html, csp } = await buildDashboardPage();
  return {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    },
    html,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(PAGE_FILE, `${JSON.stringify(await pageDocument(), null, 2)}\n`);
  process.stdout.write(`Wrote ${PAGE_FILE}\n`);
}
