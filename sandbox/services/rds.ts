import type {
  DBCluster,
  DBInstance,
  DescribeDBClustersMessage,
  DescribeDBInstancesMessage,
} from '@aws-sdk/client-rds';
import type { Call, ServiceHandlers } from '../call.js';
import type { SimResource } from '../state.js';
import { pageOf, resourceId, resourcesHere } from './resource-lists.js';

/**
 * RDS DescribeDBInstances and DescribeDBClusters. Like AWS, the cluster list also holds DocumentDB and Neptune
 * clusters, told apart only by Engine; a world names them by `resourceType`. The engine versions are invented.
 */

const CLUSTER_ENGINES: Readonly<Record<string, string>> = {
  Aurora: 'aurora-postgresql',
  DocumentDB: 'docdb',
  Neptune: 'neptune',
};

const encryption = (resource: SimResource) => ({
  StorageEncrypted: resource.kmsKeyArn !== undefined,
  ...(resource.kmsKeyArn ? { KmsKeyId: resource.kmsKeyArn } : {}),
});

const page = (input: { Marker?: string | undefined; MaxRecords?: number | undefined }) => ({
  token: input.Marker,
  size: input.MaxRecords,
  min: 20,
  max: 100,
  invalidParameter: 'InvalidParameterValue',
});

export const rdsHandlers: ServiceHandlers = {
  DescribeDBInstances: (call: Call, input: DescribeDBInstancesMessage) => {
    const instances: DBInstance[] = resourcesHere(call, 'rds:db').map((resource) => ({
      DBInstanceIdentifier: resourceId(resource.arn),
      DBInstanceArn: resource.arn,
      Engine: 'postgres',
      DBInstanceStatus: 'available',
      ...encryption(resource),
    }));
    const result = pageOf(call, instances, page(input), 'db-instances');
    return { DBInstances: result.items, Marker: result.nextToken };
  },

  DescribeDBClusters: (call: Call, input: DescribeDBClustersMessage) => {
    const clusters: DBCluster[] = resourcesHere(call, 'rds:cluster').map((resource) => ({
      DBClusterIdentifier: resourceId(resource.arn),
      DBClusterArn: resource.arn,
      Engine: CLUSTER_ENGINES[resource.resourceType ?? 'Aurora'] ?? CLUSTER_ENGINES.Aurora,
      Status: 'available',
      ...encryption(resource),
    }));
    const result = pageOf(call, clusters, page(input), 'db-clusters');
    return { DBClusters: result.items, Marker: result.nextToken };
  },
};
