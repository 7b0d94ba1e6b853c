/** How long a per-resource read is trusted: settings such as bucket versioning or a key policy rarely change. */
const DAY_MS = 24 * 60 * 60 * 1000;

interface Entry {
  readonly readAt: number;
  readonly value: Promise<unknown>;
}

/**
 * Answers of per-resource reads (one call per bucket or key) kept for a day, so a sweep's reads grow with
 * list pages, not with resources, once the cache is warm. Lives as long as the process (a warm Lambda keeps
 * it across runs). Failures are not kept: the next run asks again.
 */
export class DailyReadCache {
  private readonly entries = new Map<string, Entry>();

  read<T>(key: string, now: Date, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && now.getTime() - entry.readAt < DAY_MS && now.getTime() >= entry.readAt) {
      return entry.value as Promise<T>;
    }
    const value = load();
    this.entries.set(key, { readAt: now.getTime(), value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
