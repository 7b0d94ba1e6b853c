/**
 * A discrete-event clock for the sandbox's timed mode: simulated calls wait on it instead of the wall
 * clock, so thousands of concurrent reconciles that would spend minutes waiting on the network run in
 * seconds of CPU. Time moves only when every piece of work is waiting on the clock (nothing in flight
 * that it tracks, and every pending promise chain settled): then the earliest waiters wake, in the order
 * they started waiting. Work that waits on something else than this clock (the embedded DynamoDB engine,
 * the SDK's zero-length retry timer) holds time still while it runs (`begin`). Work that comes back from
 * a wall-clock timer resumes in a fixed order (`resumeInOrder`), so a run does not depend on which timer
 * the event loop fired first.
 */
export class VirtualClock {
  private nowMs = 0;
  private inFlight = 0;
  private sequence = 0;
  private readonly waiters = new WaiterHeap();
  private readonly resuming: { readonly key: number; readonly resolve: () => void }[] = [];
  private pumping = false;

  /** Milliseconds since the clock was made. */
  now(): number {
    return this.nowMs;
  }

  /** Resolves once `ms` of simulated time have passed. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ at: this.nowMs + Math.max(0, ms), sequence: this.sequence++, resolve });
      this.pump();
    });
  }

  /** Marks work that does not wait on this clock as in flight; time stands still until `end` is called. */
  begin(): () => void {
    this.inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight -= 1;
      this.pump();
    };
  }

  /**
   * Resolves when nothing tracked is in flight, before time next moves, together with everything else
   * queued by then, in ascending `key` order. What a resumed continuation does up to its next wait (draw
   * from a seeded stream, queue on the clock) then happens in that order, whatever order the wall-clock
   * timers that led here fired in.
   */
  resumeInOrder(key: number): Promise<void> {
    return new Promise((resolve) => {
      this.resuming.push({ key, resolve });
      this.pump();
    });
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(this.tick);
  }

  /**
   * A macrotask: every promise continuation queued before it has run. When nothing tracked is in flight,
   * the earliest waiters wake; otherwise it looks again on the next turn of the event loop.
   */
  private readonly tick = (): void => {
    if (this.waiters.size === 0 && this.resuming.length === 0) {
      this.pumping = false;
      return;
    }
    if (this.inFlight === 0 && this.resuming.length > 0) {
      for (const entry of this.resuming.splice(0).sort((a, b) => a.key - b.key)) entry.resolve();
    } else if (this.inFlight === 0) {
      const at = this.waiters.peek()?.at ?? this.nowMs;
      this.nowMs = Math.max(this.nowMs, at);
      for (let next = this.waiters.peek(); next && next.at <= at; next = this.waiters.peek()) {
        this.waiters.pop()?.resolve();
      }
    }
    setImmediate(this.tick);
  };
}

interface Waiter {
  readonly at: number;
  readonly sequence: number;
  readonly resolve: () => void;
}

/** A binary min-heap of waiters by wake-up time, then by the order they started waiting. */
class WaiterHeap {
  private readonly items: Waiter[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Waiter | undefined {
    return this.items[0];
  }

  push(waiter: Waiter): void {
    const items = this.items;
    items.push(waiter);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!earlier(waiter, items[parent] as Waiter)) break;
      items[index] = items[parent] as Waiter;
      index = parent;
    }
    items[index] = waiter;
  }

  pop(): Waiter | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && earlier(items[right] as Waiter, items[left] as Waiter) ? right : left;
      if (!earlier(items[child] as Waiter, last)) break;
      items[index] = items[child] as Waiter;
      index = child;
    }
    items[index] = last;
    return top;
  }
}

function earlier(a: Waiter, b: Waiter): boolean {
  return a.at < b.at || (a.at === b.at && a.sequence < b.sequence);
}
