import { describe, expect, it } from 'vitest';
import { lazyImport } from '../../shared/lazy-import.js';

describe('lazyImport', () => {
  it('loads a module once and hands every later use the same promise', async () => {
    let loads = 0;
    const load = lazyImport(async () => {
      loads += 1;
      return { loads };
    });
    const first = load();
    expect(load()).toBe(first);
    expect(await Promise.all([first, load()])).toEqual([{ loads: 1 }, { loads: 1 }]);
    expect(loads).toBe(1);
  });

  it('forgets a failed load, so the next use tries again', async () => {
    let loads = 0;
    const load = lazyImport(async () => {
      loads += 1;
      if (loads === 1) throw new Error('chunk missing');
      return 'loaded';
    });
    await expect(load()).rejects.toThrow('chunk missing');
    expect(await load()).toBe('loaded');
    expect(loads).toBe(2);
  });
});
