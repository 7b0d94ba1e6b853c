import type { DescribeFileSystemsCommandInput, FileSystem } from '@aws-sdk/client-fsx';
import type { Call, ServiceHandlers } from '../call.js';
import { pageOf, resourceId, resourcesHere } from './resource-lists.js';

/** FSx DescribeFileSystems: the account's file systems in the Region, with their type and key. */
export const fsxHandlers: ServiceHandlers = {
  DescribeFileSystems: (call: Call, input: DescribeFileSystemsCommandInput) => {
    const fileSystems: FileSystem[] = resourcesHere(call, 'fsx:file-system').map((resource) => ({
      FileSystemId: resourceId(resource.arn),
      ResourceARN: resource.arn,
      OwnerId: resource.accountId,
      FileSystemType: (resource.fileSystemType ?? 'WINDOWS') as FileSystem['FileSystemType'],
      Lifecycle: 'AVAILABLE',
      ...(resource.kmsKeyArn ? { KmsKeyId: resource.kmsKeyArn } : {}),
    }));
    const result = pageOf(
      call,
      fileSystems,
      {
        token: input.NextToken,
        size: input.MaxResults,
        min: 1,
        max: 2147483647,
        invalidParameter: 'BadRequest',
      },
      'file-systems',
    );
    return { FileSystems: result.items, NextToken: result.nextToken };
  },
};
