// Loaded by `import()` where a target has EC2 resources: EC2's SDK package is the largest the controller
// uses, and only this reader needs it.
export { DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
