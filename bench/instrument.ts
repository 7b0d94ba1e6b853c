import type { ClientFactory } from '../shared/aws/clients.js';
import type { FindingsStore } from '../shared/store/findings-store.js';

/**
 * Wall time during which at least one tracked call was in flight. Overlapping calls (the observer reads in
 * parallel) count once, so SDK time + store time + the rest add up to the wall time of serial work.
 */
export class BusyTime {
  private inFlight = 0;
  private startedAt = 0;
  private busy = 0;
  private count = 0;

  /** Marks a call as started; call the returned function when it settles. */
  begin(): () => void {
    if (this.inFlight === 0) this.startedAt = performance.now();
    this.inFlight += 1;
    this.count += 1;
    return () => {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.busy += performance.now() - this.startedAt;
    };
  }

  /** Times `work`, including its synchronous part, whether it returns a promise or a value. */
  track<T>(work: () => T): T {
    const end = this.begin();
    let result: T;
    try {
      result = work();
    } catch (error) {
      end();
      throw error;
    }
    if (result instanceof Promise) return result.finally(end) as T;
    end();
    return result;
  }

  get ms(): number {
    return this.busy;
  }

  get calls(): number {
    return this.count;
  }

  reset(): void {
    this.busy = 0;
    this.count = 0;
  }
}

/** The factory method that hands out every SDK client. */
const CLIENT_METHODS = ['clientOf'] as const satisfies readonly (keyof ClientFactory)[];

interface Sender {
  send(...args: unknown[]): Promise<unknown>;
}

/**
 * Times every `send` of the clients this factory hands out (credential resolution included: the member
 * role's AssumeRole runs inside the first send that needs it). Patches the instance, not the class.
 */
export function timeSdkCalls(factory: ClientFactory, busy: BusyTime): void {
  const timedClients = new WeakSet<object>();
  const methods = factory as unknown as Record<string, (...args: unknown[]) => Sender>;
  for (const name of CLIENT_METHODS) {
    const create = methods[name]?.bind(factory);
    if (!create) throw new Error(`ClientFactory has no method ${name}`);
    methods[name] = (...args: unknown[]) => {
      const client = create(...args);
      if (!timedClients.has(client)) {
        const send = client.send.bind(client);
        client.send = (...sendArgs: unknown[]) => busy.track(() => send(...sendArgs));
        timedClients.add(client);
      }
      return client;
    };
  }
}

/** Times every method of this store instance (its DynamoDB round trips and their marshalling). */
export function timeStoreCalls(store: FindingsStore, busy: BusyTime): void {
  const methods = store as unknown as Record<string, (...args: unknown[]) => unknown>;
  // Up the prototype chain: the sandbox's store is a subclass of FindingsStore.
  for (
    let prototype: object | null = Object.getPrototypeOf(store);
    prototype && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method: unknown = Object.getOwnPropertyDescriptor(prototype, name)?.value;
      if (name === 'constructor' || typeof method !== 'function' || Object.hasOwn(methods, name)) continue;
      methods[name] = (...args: unknown[]) => busy.track(() => method.apply(store, args));
    }
  }
}
