import { createFindingsTable } from '../../shared/store/create-table.js';
import { startEmbeddedDynamo } from '../../shared/store/local-engine.js';

export type { EmbeddedDynamo as LocalDynamo } from '../../shared/store/local-engine.js';
/** Tests start their own DynamoDB engine (dynalite, in-process) and stop it in afterAll. */
export { createFindingsTable, startEmbeddedDynamo as startLocalDynamo };
