import { readFile } from 'node:fs/promises';
import { loadWorld, type World, WorldValidationError } from '../sandbox/world.js';

/**
 * Reads and validates a world file for a command. Problems (with their paths) go to stderr; undefined tells
 * the caller to exit with a usage error.
 */
export async function loadWorldFile(path: string): Promise<World | undefined> {
  try {
    return loadWorld(await readFile(path, 'utf8'), path);
  } catch (error) {
    if (error instanceof WorldValidationError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`Cannot read world file ${path}: ${(error as Error).message}\n`);
    return undefined;
  }
}
