/**
 * A module loaded by its first use and kept: later uses reuse the first `import()`'s promise. Each
 * `import()` of a module already loaded still goes through the module loader, which takes a varying number
 * of event-loop turns; a kept promise answers in one microtask, so a path that needs the module per call
 * (per target, per resource type) pays the loader once per container. A failed load is not kept: the next
 * use tries again.
 */
export function lazyImport<Module>(load: () => Promise<Module>): () => Promise<Module> {
  let loading: Promise<Module> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
