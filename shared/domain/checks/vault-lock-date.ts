import { describeLockDate, LOCK_DATE_WARNING_DAYS, locksBecomingImmutable } from '../evaluate/lock-risks.js';
import { defineCheck } from './check.js';

/** Warns while a compliance lock here is in its last days of being changeable: the WARN alerts once. */
export const vaultLockDateCheck = defineCheck(
  'VAULT_LOCK_DATE',
  'A compliance-mode vault lock can be changed only until its lock date; after that a wrong minimum or ' +
    'maximum retention is permanent, so the last week is the time to check it.',
  ({ desired, observed, now }, verdict) => {
    const soon = locksBecomingImmutable(desired, observed, now);
    return soon.length > 0
      ? verdict.warn('LOCK_BECOMES_IMMUTABLE', `${soon.map(describeLockDate).join('. ')}.`)
      : verdict.pass(`No compliance lock here becomes immutable within ${LOCK_DATE_WARNING_DAYS} days.`);
  },
);
