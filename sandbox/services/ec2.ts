import type { DescribeVolumesCommandInput, Volume } from '@aws-sdk/client-ec2';
import type { Call, ServiceHandlers } from '../call.js';
import { stableId } from '../rng.js';
import type { SimResource } from '../state.js';
import { pageOf, resourceId, resourcesHere } from './resource-lists.js';

/**
 * EC2 DescribeVolumes: every tagged-or-not volume of the account and Region. An instance in a world has no
 * volumes of its own, so each gets one root volume encrypted with the instance's key (invented: the world
 * describes an instance's key, not its volumes).
 */

const volumeOf = (resource: SimResource, volumeId: string, instanceId?: string): Volume => ({
  VolumeId: volumeId,
  Encrypted: resource.kmsKeyArn !== undefined,
  ...(resource.kmsKeyArn ? { KmsKeyId: resource.kmsKeyArn } : {}),
  AvailabilityZone: `${resource.region}a`,
  State: instanceId ? 'in-use' : 'available',
  Attachments: instanceId
    ? [{ InstanceId: instanceId, VolumeId: volumeId, Device: '/dev/xvda', State: 'attached' }]
    : [],
});

export const ec2Handlers: ServiceHandlers = {
  DescribeVolumes: (call: Call, input: DescribeVolumesCommandInput) => {
    const volumes = [
      ...resourcesHere(call, 'ec2:volume').map((resource) => volumeOf(resource, resourceId(resource.arn))),
      ...resourcesHere(call, 'ec2:instance').map((resource) => {
        const instanceId = resourceId(resource.arn);
        return volumeOf(resource, `vol-${stableId(instanceId, 17)}`, instanceId);
      }),
    ];
    const page = pageOf(
      call,
      volumes,
      {
        token: input.NextToken,
        size: input.MaxResults,
        min: 5,
        max: 500,
        invalidParameter: 'InvalidParameterValue',
      },
      'volumes',
    );
    return { Volumes: page.items, NextToken: page.nextToken };
  },
};
