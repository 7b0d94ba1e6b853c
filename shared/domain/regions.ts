/**
 * AWS Regions the controller accepts in a config, with their partition. A constant list (not a lookup at run
 * time) so that a config can be validated offline and a typo such as `eu-west-4` is caught before it reaches
 * a policy, where AWS would silently never run the plan there.
 *
 * `optIn`: Regions launched after March 2019 are disabled in every account until someone enables them; a
 * backup policy naming such a Region does nothing in accounts that have not opted in.
 */
import { ControllerError } from './errors.js';

export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

export interface AwsRegion {
  readonly name: string;
  readonly partition: Partition;
  readonly optIn: boolean;
}

const commercial = (name: string, optIn = false): AwsRegion => ({ name, partition: 'aws', optIn });

export const AWS_REGIONS: readonly AwsRegion[] = [
  commercial('us-east-1'),
  commercial('us-east-2'),
  commercial('us-west-1'),
  commercial('us-west-2'),
  commercial('af-south-1', true),
  commercial('ap-east-1', true),
  commercial('ap-east-2', true),
  commercial('ap-south-1'),
  commercial('ap-south-2', true),
  commercial('ap-northeast-1'),
  commercial('ap-northeast-2'),
  commercial('ap-northeast-3'),
  commercial('ap-southeast-1'),
  commercial('ap-southeast-2'),
  commercial('ap-southeast-3', true),
  commercial('ap-southeast-4', true),
  commercial('ap-southeast-5', true),
  commercial('ap-southeast-6', true),
  commercial('ap-southeast-7', true),
  commercial('ca-central-1'),
  commercial('ca-west-1', true),
  commercial('eu-central-1'),
  commercial('eu-central-2', true),
  commercial('eu-west-1'),
  commercial('eu-west-2'),
  commercial('eu-west-3'),
  commercial('eu-south-1', true),
  commercial('eu-south-2', true),
  commercial('eu-north-1'),
  commercial('il-central-1', true),
  commercial('me-south-1', true),
  commercial('me-central-1', true),
  commercial('mx-central-1', true),
  commercial('sa-east-1'),
  { name: 'us-gov-west-1', partition: 'aws-us-gov', optIn: false },
  { name: 'us-gov-east-1', partition: 'aws-us-gov', optIn: false },
  { name: 'cn-north-1', partition: 'aws-cn', optIn: false },
  { name: 'cn-northwest-1', partition: 'aws-cn', optIn: false },
];

export class UnknownRegionError extends ControllerError {
  constructor(regionName: string) {
    super('UNKNOWN_REGION', `Unknown AWS Region: ${regionName}`);
  }
}

const byName = new Map(AWS_REGIONS.map((region) => [region.name, region]));

export function findRegion(name: string): AwsRegion | undefined {
  return byName.get(name);
}

/** The partition of a known Region; ARNs built for it must use this partition. */
export function partitionOf(regionName: string): Partition {
  const region = byName.get(regionName);
  if (!region) throw new UnknownRegionError(regionName);
  return region.partition;
}
