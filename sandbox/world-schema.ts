import * as z from 'zod';
import { WorldSchema } from './world.js';

/**
 * The world file's JSON Schema, generated from the zod schema (the committed sandbox/world.schema.json must
 * equal it; regenerate with `npx tsx sandbox/world-schema.ts`). It describes the input: defaults optional.
 */
export function worldJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(WorldSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/org-backup-controller/sandbox/world.schema.json',
    title: 'org-backup-controller sandbox world',
  };
}

export const worldJsonSchemaText = () => `${JSON.stringify(worldJsonSchema(), null, 2)}\n`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(new URL('./world.schema.json', import.meta.url), worldJsonSchemaText());
}
