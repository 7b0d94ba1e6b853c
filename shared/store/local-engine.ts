import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface EmbeddedDynamo {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** A client pointed at the engine, with dummy credentials. */
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

/**
 * Starts dynalite (a DynamoDB engine on in-memory LevelDB) inside this process, on a free port of
 * 127.0.0.1, for the tests and the sandbox. dynalite is imported lazily so that bundles of production
 * handlers, which never call this, do not pull it in.
 * Limits (see toolchain notes): no TransactWriteItems, no UpdateTimeToLive, no PartiQL.
 */
export async function startEmbeddedDynamo(): Promise<EmbeddedDynamo> {
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
