import { optedOutSelectedTypes, selectedResourceTypes } from '../evaluate/target-facts.js';
import { defineCheck } from './check.js';

export const regionOptInCheck = defineCheck(
  'REGION_OPT_IN',
  'Tag-based selections skip every resource type whose Region opt-in is off, without any job or error.',
  ({ desired, observed }, verdict) => {
    const optedOut = optedOutSelectedTypes(desired, observed);
    if (optedOut.length > 0) {
      return verdict.fail(
        'OPT_IN_DISABLED',
        `Opt-in is off in ${observed.region} for tagged resource type(s) ${optedOut.join(', ')}.`,
      );
    }
    const present = selectedResourceTypes(desired, observed);
    return verdict.pass(
      present.length > 0
        ? `Opt-in is on for every tagged resource type present: ${present.join(', ')}.`
        : 'No tagged resources of a supported type are present.',
    );
  },
);
