import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * The schema library the deployed functions decode with: zod's tree-shakable `zod/mini` build, so a function
 * loads the parts its schemas use rather than all of zod (the config validator, which runs at synth and in
 * the CLI only, keeps the full API). `zod/mini` leaves messages to a locale; English is what the full zod
 * loads by itself, so both report a bad store item or event in the same words.
 */
config(en());

export * from 'zod/mini';
