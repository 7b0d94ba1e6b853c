import { createFindingsTable } from '../../sandbox/local-dynamo/create-table.js';
import { startEmbeddedDynamo } from '../../sandbox/local-dynamo/engine.js';

export type { EmbeddedDynamo as LocalDynamo } from '../../sandbox/local-dynamo/engine.js';
/** Tests start their own DynamoDB engine (dynalite, in-process) and stop it in afterAll. */
export { createFindingsTable, startEmbeddedDynamo as startLocalDynamo };
