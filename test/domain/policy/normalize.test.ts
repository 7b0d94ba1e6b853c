import { describe, expect, it } from 'vitest';
import { normalizePolicyContent, PolicyContentParseError } from '../../../shared/domain/policy/normalize.js';

describe('normalizePolicyContent', () => {
  it.each([
    {
      why: 'key order differs',
      a: '{"plans":{"p":{"regions":{"@@assign":["a"]},"rules":{}}}}',
      b: '{"plans":{"p":{"rules":{},"regions":{"@@assign":["a"]}}}}',
    },
    {
      why: 'whitespace differs (the console strips it, the SDK keeps it)',
      a: '{"a": {"b": 1}}',
      b: '{\n  "a":{"b":1}\n}',
    },
  ])('makes equivalent content equal: $why', ({ a, b }) => {
    expect(normalizePolicyContent(a)).toBe(normalizePolicyContent(b));
  });

  it.each([
    { why: 'array order is meaningful (kept)', a: '{"r":["a","b"]}', b: '{"r":["b","a"]}' },
    { why: 'a value changed', a: '{"d":"35"}', b: '{"d":"36"}' },
    { why: 'number versus string', a: '{"d":"35"}', b: '{"d":35}' },
  ])('keeps different content different: $why', ({ a, b }) => {
    expect(normalizePolicyContent(a)).not.toBe(normalizePolicyContent(b));
  });

  it('sorts keys at every depth and minifies', () => {
    expect(normalizePolicyContent('{ "b": 1, "a": { "d": [ {"z":1,"y":2} ], "c": null } }')).toBe(
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('throws a named error on invalid JSON', () => {
    expect(() => normalizePolicyContent('{')).toThrow(PolicyContentParseError);
  });
});
