import { cpus, totalmem } from 'node:os';

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Wall milliseconds of one run of `work`. */
export async function timed(work: () => unknown): Promise<number> {
  return (await timedValue(work)).ms;
}

/** One run of `work`: what it returned and how many wall milliseconds it took. */
export async function timedValue<T>(work: () => T): Promise<{ value: Awaited<T>; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** Median wall milliseconds over `runs` runs of `work`. */
export async function medianOf(runs: number, work: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) samples.push(await timed(work));
  return median(samples);
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly date: string;
  /** One-minute load average when the bench started: other work on the machine skews wall times. */
  readonly loadAverage: number;
}

export function describeMachine(loadAverage: number): Machine {
  const cpuInfo = cpus();
  return {
    cpu: cpuInfo[0]?.model.trim() || 'unknown',
    cores: cpuInfo.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
    loadAverage,
  };
}

/** A markdown table with padded columns, as the repository's formatter (Biome) lays tables out. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = (cell: string) => [...cell].length;
  const widths = header.map((title, column) =>
    Math.max(3, width(title), ...rows.map((row) => width(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((columnWidth, column) => (cells[column] ?? '').padEnd(columnWidth)).join(' | ')} |`;
  return [line(header), line(widths.map((columnWidth) => '-'.repeat(columnWidth))), ...rows.map(line)].join(
    '\n',
  );
}

export function decimal(value: number, digits = 2): string {
  return value.toFixed(digits);
}
