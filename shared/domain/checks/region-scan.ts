import { isManagedRegion } from '../evaluate/target-facts.js';
import { defineCheck } from './check.js';

export const regionScanCheck = defineCheck(
  'REGION_SCAN',
  'AWS Backup never backs up a tagged resource in a Region its policy does not list, and says nothing about ' +
    'it. Every Region enabled in an account is scanned for tagged resources once a day so they are reported; ' +
    'a Region a Region-deny SCP closes to the controller cannot hold workloads either, so it is skipped.',
  ({ desired, observed }, verdict) => {
    if (isManagedRegion(desired, observed.region)) {
      return verdict.pass(`${observed.region} is a policy Region, observed every run.`);
    }
    if (observed.regionScanDenied !== undefined) {
      return {
        ...verdict.skipped(
          `${observed.region} is closed to the controller by a service control policy: ${observed.regionScanDenied}`,
        ),
        reason: 'REGION_DENIED_BY_SCP',
      };
    }
    return verdict.pass(
      `${observed.region} is outside the policy and scanned once a day: ${observed.resources.length} tagged resource(s).`,
    );
  },
);
