import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { progress } from './measure.js';

/**
 * DynamoDB Local, AWS's downloadable DynamoDB, for benchmarks whose latencies should come from a real
 * engine rather than an in-process one. Its jar ships inside the npm package `amplify-dynamodb-simulator`;
 * the package is fetched once with `npm pack` into a cache (not installed: it is 56 MB and nothing else of
 * it is needed) and the jar runs with the machine's Java (17 or newer).
 */
const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const CACHE = join(import.meta.dirname, '..', 'node_modules', '.cache', 'dynamodb-local');
const EMULATOR = join(CACHE, 'package', 'emulator');

export interface DynamoDbLocal {
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

function ensureJar(): void {
  if (existsSync(join(EMULATOR, 'DynamoDBLocal.jar'))) return;
  mkdirSync(CACHE, { recursive: true });
  progress(`fetching ${PACKAGE} into ${CACHE} (once)`);
  execFileSync('npm', ['pack', PACKAGE, '--pack-destination', CACHE, '--silent'], { stdio: 'ignore' });
  const tarball = readdirSync(CACHE).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${PACKAGE} left no tarball in ${CACHE}`);
  execFileSync('tar', ['xzf', join(CACHE, tarball), '-C', CACHE, 'package/emulator']);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  ensureJar();
  const port = await freePort();
  const java: ChildProcess = spawn(
    'java',
    [
      '-Djava.library.path=./DynamoDBLocal_lib',
      '-jar',
      'DynamoDBLocal.jar',
      '-inMemory',
      '-port',
      String(port),
    ],
    { cwd: EMULATOR, stdio: 'ignore' },
  );
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const stop = async () => {
    client.destroy();
    java.kill();
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(new ListTablesCommand({}));
      return { client, stop };
    } catch (error) {
      if (attempt > 600 || java.exitCode !== null) {
        await stop();
        throw new Error('DynamoDB Local did not start (is Java 17 or newer on the PATH?)', { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
