/**
 * CloudTrail records delivered by EventBridge: API calls (`AWS API Call via CloudTrail`) and service events
 * such as Organizations' `CreateAccountResult` (`AWS Service Event via CloudTrail`) share these fields.
 */
import * as z from '../zod-mini.js';
import { optionalText } from './fields.js';

export const CLOUDTRAIL_DETAIL_TYPES: readonly string[] = [
  'AWS API Call via CloudTrail',
  'AWS Service Event via CloudTrail',
];

/** The record fields every CloudTrail event shares; `errorCode` is set when the call failed. */
export const cloudTrailRecord = {
  eventSource: z.string().check(z.minLength(1)),
  eventName: z.string().check(z.minLength(1)),
  awsRegion: optionalText,
  recipientAccountId: optionalText,
  errorCode: optionalText,
};

export const cloudTrailHeader = z.object({ detail: z.object(cloudTrailRecord) });
