/**
 * Compilation: a port of Ruler's JsonRuleCompiler. The pattern becomes a list of
 * sub-rules (one per $or branch combination), each a map from dotted field path
 * to the tests its values must pass. A sub-rule matches when every field
 * passes; the pattern matches when any sub-rule does.
 */
import { invalid } from './invalid-pattern';
import { ipBytes, sameBytes } from './ip-address';
import { flattenEvent, matchSubRule } from './matching';
import { sameNumber } from './numeric';
import { addOperator } from './operators';
import { expandOr, OR, RESERVED_IN_OR } from './or-expansion';
import { canonical, parseJson, type JsonNode } from './pattern-json';
import type { EventMatcher, FieldRule, SubRule } from './rules';
import { exactString } from './string-tests';
import { checkWildcardComplexity } from './wildcard-complexity';

/** The pattern (JSON text, or a value) as a matcher; throws InvalidEventPatternError where PutRule would refuse it. */
export function compile(pattern: unknown): EventMatcher {
  const root = typeof pattern === 'string' ? parseJson(pattern) : fromValue(pattern);
  if (root?.kind !== 'object') return invalid('Filter is not an object');
  const rules: SubRule[] = [];
  parseObject(rules, [], root, false);
  checkWildcardComplexity(rules);
  const compiled = rules.map((rule) => [...rule.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return (event) => {
    const fields = flattenEvent(event);
    return compiled.some((rule) => matchSubRule(rule, fields));
  };
}

/** Objects go through JSON so that they mean exactly what their JSON text would (undefined dropped, toJSON used). */
function fromValue(value: unknown): JsonNode | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    return invalid(error instanceof Error ? error.message : String(error));
  }
  return text === undefined ? undefined : parseJson(text);
}

function parseObject(rules: SubRule[], path: string[], node: JsonNode & { kind: 'object' }, insideOr: boolean): void {
  for (const [key, value] of node.entries) {
    if (key === OR) {
      expandOr(rules, value, (forked, branch) => parseObject(forked, path, branch, true));
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key))
      invalid(`${key} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
    if (value.kind === 'object') parseObject(rules, [...path, key], value, insideOr);
    else if (value.kind === 'array') writeField(rules, [...path, key].join('.'), value);
    else invalid(`"${key}" must be an object or an array`);
  }
  if (node.entries.length === 0) invalid('Empty objects are not allowed');
}

/** The field's list of values and operators, as tests on each sub-rule built so far. */
function writeField(rules: SubRule[], name: string, node: JsonNode & { kind: 'array' }): void {
  const field: FieldRule = { tests: [], absence: false, wildcards: [], signature: canonical(node) };
  for (const item of node.items) {
    switch (item.kind) {
      case 'object':
        addOperator(field, item);
        break;
      case 'string': {
        const ip = ipBytes(item.value);
        // Ruler turns IP literals into single-address ranges, so "::1" also matches "0:0:0:0:0:0:0:1".
        if (ip instanceof Uint8Array)
          field.tests.push((leaf) => leaf.kind === 'string' && sameBytes(ipBytes(leaf.value), ip));
        else field.tests.push(exactString(item.value));
        break;
      }
      case 'number': {
        const expected = item.value;
        field.tests.push((leaf) => leaf.kind === 'number' && sameNumber(leaf.value, expected));
        break;
      }
      case 'boolean': {
        const expected = item.value;
        field.tests.push((leaf) => leaf.kind === 'boolean' && leaf.value === expected);
        break;
      }
      case 'null':
        field.tests.push((leaf) => leaf.kind === 'null');
        break;
      case 'array':
        invalid('Match value must be String, number, true, false, or null');
    }
  }
  if (node.items.length === 0) invalid('Empty arrays are not allowed');
  if (rules.length === 0) rules.push(new Map());
  // A field named twice keeps its last list, as the user guide documents.
  for (const rule of rules) rule.set(name, field);
}
