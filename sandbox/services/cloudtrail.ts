import type { DescribeTrailsCommandInput, DescribeTrailsCommandOutput } from '@aws-sdk/client-cloudtrail';
import type { Call, ServiceHandlers } from '../call.js';

type Out<T> = Omit<T, '$metadata'>;

/** The organization trail a world declares (`organizationTrail`), as the management account sees it. */
const TRAIL_NAME = 'organization-trail';

export const cloudTrailHandlers: ServiceHandlers = {
  /**
   * One multi-Region organization trail (reported as homed in the Region asked), or none. Member
   * accounts see an organization trail as a shadow trail only when `includeShadowTrails` is left on.
   */
  DescribeTrails: (call: Call, input: DescribeTrailsCommandInput): Out<DescribeTrailsCommandOutput> => {
    const org = call.state.organization;
    if (!org.organizationTrail) return { trailList: [] };
    const isManagement = call.caller.accountId === org.managementAccountId;
    if (!isManagement && input.includeShadowTrails === false) return { trailList: [] };
    return {
      trailList: [
        {
          Name: TRAIL_NAME,
          TrailARN: `arn:aws:cloudtrail:${call.region}:${org.managementAccountId}:trail/${TRAIL_NAME}`,
          HomeRegion: call.region,
          IsMultiRegionTrail: true,
          IsOrganizationTrail: true,
          IncludeGlobalServiceEvents: true,
          S3BucketName: `aws-cloudtrail-logs-${org.managementAccountId}`,
        },
      ],
    };
  },
};
