/** Types of cli/build.js, which stays plain JavaScript so that cli/bin.js can run it without a compiler. */
export declare const outdir: string;
/** The compiled entry point cli/bin.js imports. */
export declare const entry: string;
export declare function buildCli(): Promise<void>;
export declare function isStale(): boolean;
