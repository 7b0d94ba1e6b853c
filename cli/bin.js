#!/usr/bin/env node
// The installed `orgbackup` command. Runs the compiled CLI (cli/dist, built by `npm ci` through the
// `prepare` script), rebuilding it first when a source file changed, so a checkout never runs stale code.

// The AWS SDK warns on every run under Node 20 that its releases after early January 2027 need Node 22;
// the README says so once, and this process does not repeat it. Set here, it affects this process only.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { buildCli, entry, isStale } = await import('./build.js');
if (isStale()) await buildCli();
const { main, endQuietlyOnClosedPipe } = await import(new URL(`file://${entry}`).href);
endQuietlyOnClosedPipe();
process.exitCode = await main(process.argv.slice(2));
