/** IAM policy documents as the sandbox reads them: the JSON grammar of the IAM policy reference. */

export type OneOrMany<T> = T | readonly T[];

export type ConditionBlock = Readonly<
  Record<string, Readonly<Record<string, OneOrMany<string | boolean | number>>>>
>;

export type PolicyPrincipal = '*' | Readonly<Record<string, OneOrMany<string>>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: OneOrMany<string>;
  readonly NotAction?: OneOrMany<string>;
  readonly Resource?: OneOrMany<string>;
  readonly NotResource?: OneOrMany<string>;
  readonly Principal?: PolicyPrincipal;
  readonly NotPrincipal?: PolicyPrincipal;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: OneOrMany<PolicyStatement>;
}

export const listOf = <T>(value: OneOrMany<T> | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];

export const statementsOf = (document: PolicyDocument): readonly PolicyStatement[] =>
  listOf(document.Statement);

const parsed = new Map<string, PolicyDocument | null>();

/** Parses (once per distinct text) a policy document IAM, Backup or EventBridge stored; null when it is not one. */
export function parsePolicy(text: string | undefined): PolicyDocument | null {
  if (!text) return null;
  let document = parsed.get(text);
  if (document === undefined) {
    try {
      const value = JSON.parse(text) as PolicyDocument;
      document = value && typeof value === 'object' && 'Statement' in value ? value : null;
    } catch {
      document = null;
    }
    parsed.set(text, document);
  }
  return document;
}
