/**
 * `npm run bench`: the controller's performance against the sandbox, as ratios to a lower bound or to a
 * baseline measured in the same run. Progress goes to stderr, the markdown report to stdout and to
 * bench/results.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type CliStartupRow, cliStartupSection, measureCliStartup } from './cli-startup.js';
import { COLD_START_HEADING, type ColdStartRow, coldStartSection, measureColdStarts } from './cold-start.js';
import { type DashboardLoadRow, measureDashboardLoad } from './dashboard-load.js';
import { type DemoWeekRow, measureDemoWeek } from './demo-week.js';
import { type DomainThroughputRow, domainThroughputTable } from './domain-throughput.js';
import { decimal, describeMachine, type Machine, markdownTable, progress, timed } from './measure.js';
import { type ReadCostRow, readCostTable, sizeIndependentReads } from './read-cost.js';
import { reportLatencySection, reportLatencyTable } from './report-latency.js';
import {
  measureSweepScale,
  SCALE_RESOURCES_PER_TARGET,
  type SweepScaleResult,
  sweepScaleRows,
  sweepScaleTable,
} from './sweep-scale.js';
import {
  MONTHLY_COST_HEADING,
  monthlyCostSection,
  SWEEP_SCALE_HEADING,
  sweepScaleSection,
} from './sweep-scale-report.js';
import { type SweepThroughputRow, sweepThroughputTable } from './sweep-throughput.js';

const RESULTS_FILE = 'bench/results.md';

const REPORT_LATENCY_HEADING = '## Report API latency (DynamoDB Local)';

/**
 * `npm run bench -- report-latency` measures the report API on DynamoDB Local (it needs Java and fetches a
 * 56 MB package once, so the default run keeps the section from the last such run instead).
 */
async function main(): Promise<void> {
  if (process.argv[2] === 'sweep' || process.argv[2] === 'sweep-scale') {
    if (rerunWithSweepHeap()) return;
  }
  if (process.argv[2] === 'sweep') {
    await sweepCommand(process.argv.slice(3));
    return;
  }
  if (process.argv[2] === 'report-latency') {
    replaceSection(REPORT_LATENCY_HEADING, reportLatencySection(await reportLatencyTable([10_000, 100_000])));
    return;
  }
  if (process.argv[2] === 'cold-start') {
    replaceSection(COLD_START_HEADING, coldStartSection(await measureColdStarts()));
    return;
  }
  if (process.argv[2] === 'cost') {
    // Re-prices the sweeps of `--from <file>` (one `sweep --json` line each) without rerunning them.
    replaceSection(MONTHLY_COST_HEADING, monthlyCostSection(await sweepScaleRuns(process.argv.slice(3))));
    return;
  }
  if (process.argv[2] === 'sweep-scale') {
    replaceSection(SWEEP_SCALE_HEADING, sweepScaleSection(await sweepScaleRuns(process.argv.slice(3))));
    return;
  }
  const machine = describeMachine(loadavg()[0] ?? 0);
  let readCost: ReadCostRow[] = [];
  let sweeps: SweepThroughputRow[] = [];
  let domain: DomainThroughputRow[] = [];
  let demo: DemoWeekRow | undefined;
  let dashboard: DashboardLoadRow | undefined;
  let cli: CliStartupRow[] = [];
  let coldStarts: ColdStartRow[] = [];
  const wallMs = await timed(async () => {
    cli = measureCliStartup();
    coldStarts = await measureColdStarts();
    readCost = await readCostTable([10, 100, 1000, 5000]);
    sweeps = await sweepThroughputTable([
      { accounts: 10, sweeps: 3 },
      { accounts: 50, sweeps: 3 },
      { accounts: 200, sweeps: 3 },
    ]);
    domain = await domainThroughputTable([1000, 10_000]);
    demo = await measureDemoWeek(7);
    dashboard = await measureDashboardLoad(100_000, 100);
  });
  if (!demo) throw new Error('the demo week was not measured');
  if (!dashboard) throw new Error('the dashboard load was not measured');
  const report = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` (${decimal(wallMs / 1000, 0)} s in all). Regenerate with \`npm run bench\`; ` +
      'wall times vary with the machine, the ratios much less.',
    '',
    machineSection(machine),
    readCostSection(readCost),
    sweepSection(sweeps),
    domainSection(domain),
    demoSection(demo),
    dashboardSection(dashboard),
    cliStartupSection(cli),
    coldStartSection(coldStarts),
    keptSection(SWEEP_SCALE_HEADING),
    keptSection(REPORT_LATENCY_HEADING),
  ]
    .join('\n')
    .trimEnd();
  process.stdout.write(`${report}\n`);
  writeFileSync(RESULTS_FILE, `${report}\n`);
  progress(`wrote ${RESULTS_FILE}`);
}

/**
 * `npm run bench -- sweep --accounts N --regions R [--resources K] [--rates X|none] [--organizations
 * organization|caller] [--json]`: one sweep at scale; with --json exactly one JSON object on stdout.
 */
async function sweepCommand(args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      accounts: { type: 'string', default: '100' },
      regions: { type: 'string', default: '4' },
      resources: { type: 'string', default: String(SCALE_RESOURCES_PER_TARGET) },
      rates: { type: 'string', default: '1' },
      organizations: { type: 'string', default: 'organization' },
      json: { type: 'boolean', default: false },
    },
  });
  const count = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
    return value;
  };
  const scope = values.organizations;
  if (scope !== 'organization' && scope !== 'caller') {
    throw new Error('--organizations must be "organization" or "caller"');
  }
  const rateScale = values.rates === 'none' ? null : Number(values.rates);
  if (rateScale !== null && !(rateScale > 0)) throw new Error('--rates must be a positive number or "none"');
  const result = await measureSweepScale({
    accounts: count('accounts', values.accounts),
    regions: count('regions', values.regions),
    resourcesPerTarget: count('resources', values.resources),
    rateScale,
    organizationsScope: scope,
  });
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${sweepScaleTable([result])}\n`);
}

/**
 * Node flags of the sweep at scale: thousands of concurrent reconciles keep many young objects alive, and
 * with the default 16 MB semi-spaces the collector copied them over and over (a third of the run's time);
 * 5,000 accounts also outgrow the default old space.
 */
const SWEEP_HEAP_FLAGS = ['--max-semi-space-size=64', '--max-old-space-size=8192'];

/** Runs this command again in a Node with SWEEP_HEAP_FLAGS unless it has them; true when it did. */
function rerunWithSweepHeap(): boolean {
  if (SWEEP_HEAP_FLAGS.every((flag) => process.execArgv.includes(flag))) return false;
  const script = process.argv[1] ?? 'bench/run.ts';
  const child = spawnSync(
    process.execPath,
    [...SWEEP_HEAP_FLAGS, ...process.execArgv, script, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exitCode = child.status ?? 1;
  return true;
}

/** A section of the current results file, from its heading to the next `## ` heading ('' when absent). */
function keptSection(heading: string): string {
  if (!existsSync(RESULTS_FILE)) return '';
  const text = readFileSync(RESULTS_FILE, 'utf8');
  const start = text.indexOf(heading);
  if (start < 0) return '';
  const end = text.indexOf('\n## ', start + heading.length);
  return text.slice(start, end < 0 ? undefined : end + 1);
}

/** Writes one section into the results file in place of its last version (appended when new). */
function replaceSection(heading: string, section: string): void {
  const previous = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '# Benchmarks\n';
  const kept = keptSection(heading);
  const text = kept ? previous.replace(kept, `${section}\n`) : `${previous.trimEnd()}\n\n${section}`;
  writeFileSync(RESULTS_FILE, `${text.trimEnd()}\n`);
  process.stdout.write(section);
  progress(`wrote ${RESULTS_FILE}`);
}

/**
 * The runs of the sweep-at-scale section: 100, 1,000 and 5,000 accounts × 4 Regions at the assumed rates
 * with org-wide Organizations limits, the same with per-account ones, and 100 × 4 at half and twice the
 * rates. They take long on a small machine, so `--from <file>` renders the section from runs made
 * separately (`npm run bench -- sweep … --json`, one JSON object a line) instead.
 */
async function sweepScaleRuns(args: readonly string[]): Promise<SweepScaleResult[]> {
  const { values } = parseArgs({ args: [...args], options: { from: { type: 'string' } } });
  if (values.from) {
    return readFileSync(values.from, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as SweepScaleResult);
  }
  const base = { regions: 4, resourcesPerTarget: SCALE_RESOURCES_PER_TARGET } as const;
  return sweepScaleRows([
    ...[100, 1000, 5000].flatMap((accounts) =>
      (['organization', 'caller'] as const).map((organizationsScope) => ({
        ...base,
        accounts,
        rateScale: 1,
        organizationsScope,
      })),
    ),
    { ...base, accounts: 100, rateScale: 0.5, organizationsScope: 'organization' },
    { ...base, accounts: 100, rateScale: 2, organizationsScope: 'organization' },
  ]);
}

function machineSection(machine: Machine): string {
  return [
    '## Machine',
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory`,
    `- Node.js ${machine.node}, ${process.platform}/${process.arch}`,
    `- Date: ${machine.date}`,
    `- Load average when the run started: ${decimal(machine.loadAverage)} (other work on the machine shows in wall times)`,
    '',
  ].join('\n');
}

function readCostSection(rows: readonly ReadCostRow[]): string {
  const fixedReads = Object.entries(sizeIndependentReads(rows[0]?.targetReads ?? {}))
    .map(([operation, count]) => (count === 1 ? operation : `${operation} ×${count}`))
    .join(', ');
  return [
    '## 1. Read calls per target against its size',
    '',
    'One member account × one Region with N tagged resources (every 20th a near miss, `BackupEnabled=true`), ' +
      'after the controller repaired it and one daily backup ran. "Calls per target" are the reads of one ' +
      'observation of the target, counted by the sandbox; the lower bound is the size-independent reads of ' +
      'the smallest target plus every paged list at its maximum page size: ⌈N/100⌉ GetResources, ' +
      '⌈protected/1000⌉ ListProtectedResources, ⌈jobs/1000⌉ ListBackupJobs and ListCopyJobs, ⌈recovery ' +
      "points/1000⌉ ListRecoveryPointsByBackupVault (all read with the member account's credentials); the " +
      'observer makes no per-resource read. Bounds (test/e2e/read-cost.test.ts): ratio ≤ 1.1, and at most 20 ' +
      'reads per target with 100 tagged resources. "Member calls in sweep" are the calls made with the ' +
      "member account's credentials during one whole steady-state sweep; writes must be 0.",
    '',
    markdownTable(
      [
        'N resources',
        'listed: resources / protected / backup jobs / copy jobs / recovery points',
        'calls per target',
        'size-independent',
        'lower bound',
        'ratio',
        'member calls in sweep',
        'writes in sweep',
      ],
      rows.map((row) => [
        String(row.resources),
        [
          row.listed.GetResources,
          row.listed.ListProtectedResources,
          row.listed.ListBackupJobs,
          row.listed.ListCopyJobs,
          row.listed.ListRecoveryPointsByBackupVault,
        ].join(' / '),
        String(row.targetCalls),
        String(row.fixedCalls),
        String(row.lowerBound),
        decimal(row.targetCalls / row.lowerBound),
        String(row.memberCallsInSweep),
        String(row.writesInSweep),
      ]),
    ),
    '',
    `Size-independent reads: ${fixedReads}.`,
    '',
  ].join('\n');
}

function sweepSection(rows: readonly SweepThroughputRow[]): string {
  return [
    '## 2. Sweep throughput in the sandbox',
    '',
    'N member accounts × 2 Regions, 20 tagged resources per target, plus the management account. A warm-up ' +
      'sweep repairs everything; then each measured sweep runs one simulated hour later (the median is ' +
      'reported): org reconcile, every target with the sandbox fan-out of 8 in parallel, notify. Baseline: ' +
      'one bare DescribeRegionSettings through the same sandboxed client (median of 3 × 1000 calls). The ' +
      'serial columns reconcile up to 40 targets one at a time with `reconcileTarget` and split the time ' +
      'into "inside an SDK call" (sandbox included), "inside the store" (embedded DynamoDB) and the rest ' +
      '(planning, evaluation, glue).',
    '',
    'Reading the table: "ms / target" includes the sweep\'s fixed work (listing accounts, the org target, ' +
      'notify), which a small organization spreads over few targets. In the sandbox an SDK call is answered ' +
      'in-process, so "SDK" is the SDK middleware plus the simulation and "store" is dynalite in the same ' +
      'process; against AWS each call adds a network round trip, which is why the call counts of section 1 ' +
      'are what matters in production.',
    '',
    markdownTable(
      [
        'accounts × Regions',
        'targets',
        'sweep ms (median)',
        'ms / target',
        'targets / s',
        'bare call µs',
        'target / bare call',
        'serial ms / target',
        'SDK %',
        'store %',
        'rest %',
        'SDK calls / target',
      ],
      rows.map((row) => {
        const serial = row.serial;
        const share = (ms: number) => decimal((100 * ms) / serial.msPerTarget, 0);
        return [
          `${row.accounts} × 2`,
          String(row.targets),
          decimal(row.sweepMs, 0),
          decimal(row.msPerTarget),
          decimal(row.targetsPerSecond, 0),
          decimal(row.bareCallMs * 1000, 1),
          decimal(row.msPerTarget / row.bareCallMs, 0),
          decimal(serial.msPerTarget),
          share(serial.sdkMsPerTarget),
          share(serial.storeMsPerTarget),
          share(serial.msPerTarget - serial.sdkMsPerTarget - serial.storeMsPerTarget),
          decimal(serial.sdkCallsPerTarget, 1),
        ];
      }),
    ),
    '',
  ].join('\n');
}

function domainSection(rows: readonly DomainThroughputRow[]): string {
  const perResourceUs = (row: DomainThroughputRow) => (row.domainMs * 1000) / row.resources;
  const first = rows[0];
  const last = rows.at(-1);
  const growth =
    first && last && first !== last
      ? `From ${first.resources} to ${last.resources} resources the cost per resource grows ` +
        `${decimal(perResourceUs(last) / perResourceUs(first), 1)}× (1.0× would be linear); the JSON baseline ` +
        `grows ${decimal(last.jsonRoundTripMs / last.resources / (first.jsonRoundTripMs / first.resources), 1)}×.`
      : '';
  return [
    '## 3. Domain throughput (pure core)',
    '',
    '`evaluateTarget` + `planTarget` on one target observed through the sandbox after a daily backup ' +
      '(Protected Resources and the job lists full), with the history a second sweep would load; median ' +
      'of 5. Baseline: `JSON.parse(JSON.stringify(observed))` of the same observed state.',
    '',
    markdownTable(
      [
        'resources',
        'findings',
        'actions',
        'evaluate + plan ms',
        'µs / resource',
        'JSON round trip ms',
        'ratio',
      ],
      rows.map((row) => [
        String(row.resources),
        String(row.findings),
        String(row.actions),
        decimal(row.domainMs, 1),
        decimal(perResourceUs(row), 1),
        decimal(row.jsonRoundTripMs, 1),
        decimal(row.domainMs / row.jsonRoundTripMs, 1),
      ]),
    ),
    '',
    growth,
    '',
  ].join('\n');
}

function demoSection(row: DemoWeekRow): string {
  const simulatedSeconds = row.days * 86_400;
  return [
    '## 4. The demo week (`npm start`)',
    '',
    '`runSandbox` with sandbox/demo/world.yaml and examples/orgbackup.config.yaml: events delivered every ' +
      'simulated minute, a sweep every simulated hour. One run (it is the longest measurement).',
    '',
    markdownTable(
      [
        'simulated days',
        'wall s',
        'sweeps',
        'events delivered',
        'SDK calls',
        'writes',
        'simulated s / wall s',
        'coverage at end',
      ],
      [
        [
          String(row.days),
          decimal(row.wallSeconds, 1),
          String(row.sweeps),
          String(row.eventsDelivered),
          String(row.calls),
          String(row.writes),
          decimal(simulatedSeconds / row.wallSeconds, 0),
          `${decimal(row.coveragePercent, 1)} %`,
        ],
      ],
    ),
    '',
  ].join('\n');
}

await main();

function dashboardSection(row: DashboardLoadRow): string {
  return [
    '## Dashboard first view',
    '',
    `The report API's answers to the requests the dashboard makes to show its first view, on ` +
      `${row.findings.toLocaleString('en')} findings in ${row.targets} account × Region targets (one in ten not ` +
      'protected), on the local DynamoDB engine. Only `/reasons` reads findings (the reasons of those not ' +
      'protected); the page holds one page of 50 findings at a time.',
    '',
    markdownTable(
      ['request', 'ms', 'bytes'],
      row.requests.map((r) => [`\`${r.route}\``, decimal(r.ms, 0), r.bytes.toLocaleString('en')]),
    ),
    '',
  ].join('\n');
}
