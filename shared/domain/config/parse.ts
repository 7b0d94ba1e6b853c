import { parseDocument } from 'yaml';
import type { ConfigProblem } from './problems.js';
import { type ConfigValidationResult, type ValidateOptions, validateConfig } from './validate.js';

export type ParsedConfigText = { ok: true; raw: unknown } | { ok: false; problems: ConfigProblem[] };

/**
 * Reads YAML or JSON (JSON is YAML, so one parser serves both and gives line numbers for either). Syntax
 * errors, duplicate keys included, come back as problems located `file:line:column`, never as exceptions.
 */
export function parseConfigText(text: string, fileName: string): ParsedConfigText {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const position = error.linePos?.[0];
        return {
          path: position ? `${fileName}:${position.line}:${position.col}` : fileName,
          message: firstLineWithoutPosition(error.message),
          fix: 'correct the YAML/JSON syntax at that position',
        };
      }),
    };
  }
  return { ok: true, raw: document.toJS() };
}

/** `prettyErrors` (needed for line numbers) appends the position and a source excerpt to the message. */
function firstLineWithoutPosition(message: string): string {
  const [firstLine = message] = message.split('\n');
  return firstLine.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * parseConfigText + validateConfig. Kept apart from validate.ts so that code validating a config it already
 * holds as data (the deployed functions) does not load the YAML parser.
 */
export function loadConfigFromText(
  text: string,
  fileName: string,
  options: ValidateOptions = {},
): ConfigValidationResult {
  const parsed = parseConfigText(text, fileName);
  if (!parsed.ok) return { ok: false, problems: parsed.problems, warnings: [] };
  return validateConfig(parsed.raw, options);
}
