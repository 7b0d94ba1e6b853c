import page from './page.json' with { type: 'json' };

/**
 * The dashboard served at `GET /` of the report API: one self-contained HTML document and its headers (a
 * Content-Security-Policy allowing only its own inline script and style, by hash). Built from dashboard/ by
 * `npm run build:dashboard`; a test fails when page.json is not what a fresh build produces.
 */
export const DASHBOARD_PAGE: { readonly headers: Readonly<Record<string, string>>; readonly html: string } =
  page;
