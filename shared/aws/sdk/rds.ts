// Loaded by `import()` where a target has RDS (or DocumentDB, Neptune) resources.
export { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
