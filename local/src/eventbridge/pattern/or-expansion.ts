/**
 * `$or`: each branch forks every sub-rule built so far, so the pattern becomes one sub-rule per
 * combination of branches. The fields of each branch are parsed by the caller (compile.ts).
 */
import { invalid } from './invalid-pattern';
import type { JsonNode } from './pattern-json';
import type { SubRule } from './rules';

export const OR = '$or';

// Documented limit (user guide, "Complex example with $or matching"): PutRule, CreateArchive, UpdateArchive
// and TestEventPattern throw InvalidEventPatternException "if the use of $or results in over 1000 rule
// combinations". Not a Ruler rule, so the reason text is ours; AWS's wording is not documented.
const MAX_OR_COMBINATIONS = 1000;

// Ruler reserves these names inside $or so that a mistyped operator is not
// silently taken for a field name.
export const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/** Replaces `rules` with one fork per branch of each; `parseBranch` adds a branch's fields to its forks. */
export function expandOr(
  rules: SubRule[],
  node: JsonNode,
  parseBranch: (forked: SubRule[], branch: JsonNode & { kind: 'object' }) => void,
): void {
  const before = rules.map((rule) => new Map(rule));
  rules.length = 0;
  if (node.kind !== 'array') return invalid(`It must be an Array followed with ${OR}.`);
  for (const branch of node.items) {
    if (branch.kind !== 'object') return invalid(`Only JSON object is allowed in array of ${OR} relationship.`);
    const forked = before.map((rule) => new Map(rule));
    if (forked.length === 0) forked.push(new Map());
    parseBranch(forked, branch);
    rules.push(...forked);
  }
  if (node.items.length < 2) invalid(`There must have at least 2 Objects in ${OR} relationship.`);
  // Checked after every $or, so a pattern that multiplies past the limit is refused before it explodes.
  if (rules.length > MAX_OR_COMBINATIONS) {
    invalid(
      `The use of ${OR} results in ${rules.length} rule combinations, more than the ${MAX_OR_COMBINATIONS} allowed`,
    );
  }
}
