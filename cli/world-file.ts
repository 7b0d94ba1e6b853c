import { readFile } from 'node:fs/promises';
import { loadWorld, type World, WorldValidationError } from '../sandbox/world.js';

/**
 * Reads and validates a world file for a command. Problems (with their paths) go to stderr; undefined tells
 * the caller to exit with a usage error.
 */
export async function loadWorldFile(path: string, shownAs = path): Promise<World | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    process.stderr.write(`Cannot read world file ${shownAs}: ${why}\n`);
    return undefined;
  }
  try {
    return loadWorld(text, shownAs);
  } catch (error) {
    if (!(error instanceof WorldValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return undefined;
  }
}
