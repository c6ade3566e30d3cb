// String matching: exact, prefix and suffix, and equals-ignore-case as Ruler folds case.
import { invalid } from './invalid-pattern';
import type { JsonNode } from './pattern-json';
import type { ValueTest } from './rules';

export function exactString(expected: string): ValueTest {
  return (leaf) => leaf.kind === 'string' && leaf.value === expected;
}

export function affix(operator: 'prefix' | 'suffix', text: string): ValueTest {
  return operator === 'prefix'
    ? (leaf) => leaf.kind === 'string' && leaf.value.startsWith(text)
    : (leaf) => leaf.kind === 'string' && leaf.value.endsWith(text);
}

export function affixIgnoringCase(operator: 'prefix' | 'suffix', node: JsonNode & { kind: 'object' }): ValueTest {
  const name = operator === 'prefix' ? 'Prefix' : 'Suffix';
  const [first, ...rest] = node.entries;
  if (!first) return invalid(`${name} expression name not found`);
  if (first[0] !== 'equals-ignore-case') return invalid(`Unsupported ${operator} pattern: ${first[0]}`);
  if (first[1].kind !== 'string') return invalid('equals-ignore-case match pattern must be a string');
  if (rest.length > 0) invalid('Only one key allowed in match expression');
  const regex = ignoreCaseRegex(first[1].value, operator);
  return (leaf) => leaf.kind === 'string' && regex.test(leaf.value);
}

/**
 * Ruler folds case one character at a time: each pattern character matches its
 * lower- or upper-case form, even where those differ in length ("ß" and "SS").
 */
export function ignoreCaseRegex(text: string, anchor: 'whole' | 'prefix' | 'suffix'): RegExp {
  const escape = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  let source = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    source += lower === upper ? escape(lower) : `(?:${escape(lower)}|${escape(upper)})`;
  }
  const start = anchor === 'suffix' ? '' : '^';
  const end = anchor === 'prefix' ? '' : '$';
  return new RegExp(`${start}(?:${source})${end}`, 'u');
}
