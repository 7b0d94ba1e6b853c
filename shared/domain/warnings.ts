import { type ResourceFinding, WARNING_CODES, type WarningCode } from './model.js';

/** One risk to come on a finding, with the sentence that explains it (dates included). */
export interface Warning {
  readonly code: WarningCode;
  readonly why: string;
}

/**
 * The finding's `warnings` and `warningDetail` for these warnings: codes once each in WARNING_CODES order,
 * sentences in the order given. No warnings: an empty list and no detail.
 */
export function warningFields(
  warnings: readonly Warning[],
): Pick<ResourceFinding, 'warnings'> & { warningDetail?: string } {
  if (warnings.length === 0) return { warnings: [] };
  const codes = new Set(warnings.map((warning) => warning.code));
  return {
    warnings: WARNING_CODES.filter((code) => codes.has(code)),
    warningDetail: warnings.map((warning) => sentence(warning.why)).join(' '),
  };
}

/** Adds warnings to a finding that may already carry some; its status and reasons stay as they are. */
export function withWarnings(finding: ResourceFinding, warnings: readonly Warning[]): ResourceFinding {
  if (warnings.length === 0) return finding;
  const fields = warningFields(warnings);
  const known = finding.warningDetail ? `${finding.warningDetail} ` : '';
  return {
    ...finding,
    warnings: WARNING_CODES.filter(
      (code) => finding.warnings.includes(code) || fields.warnings.includes(code),
    ),
    warningDetail: `${known}${fields.warningDetail}`,
  };
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
