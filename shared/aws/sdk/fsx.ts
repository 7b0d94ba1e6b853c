// Loaded by `import()` where a target has FSx file systems.
export { DescribeFileSystemsCommand, FSxClient } from '@aws-sdk/client-fsx';
