import { createDynamoDBTenantStore } from '../../edge/dynamodb-tenant-store.ts';
import { silentLogger } from '../../edge/logger.ts';
import { createInMemoryTenantStore } from '../support/in-memory-tenant-store.ts';
import { startLocalTable } from '../support/local-table.ts';
import { aRouterConfig } from '../support/router-config.ts';
import { describeTenantStoreContract } from '../support/tenant-store-contract.ts';

describeTenantStoreContract('DynamoDB store on dynalite', async () => {
  const table = await startLocalTable();
  const config = aRouterConfig({
    tableName: table.tableName,
    replicaRegions: ['us-east-1'],
    endpoints: { 'us-east-1': table.endpoint },
    // Generous: the machine is shared, and this suite is about data, not deadlines.
    lookup: { attemptTimeoutMs: 5_000, budgetMs: 5_000 },
  });
  return {
    store: createDynamoDBTenantStore({ config, edgeRegion: 'us-east-1', logger: silentLogger }),
    seed: (items) => table.seed(items),
    teardown: () => table.close(),
  };
});

describeTenantStoreContract('in-memory store', async () => {
  const store = createInMemoryTenantStore();
  return {
    store,
    seed: async (items) => store.putItems(items),
    teardown: async () => {},
  };
});
