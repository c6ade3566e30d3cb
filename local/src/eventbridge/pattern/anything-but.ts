import { invalid } from './invalid-pattern';
import { comparableOperand, sameNumber } from './numeric';
import type { JsonNode } from './pattern-json';
import type { FieldRule, ValueTest } from './rules';
import { affix, ignoreCaseRegex } from './string-tests';
import { parseWildcard } from './wildcard';

/**
 * anything-but excludes the listed values and matches every other value that is
 * present, whatever its type: {"anything-but": "x"} matches null, numbers and
 * booleans, and {"anything-but": {"prefix": "x"}} matches numbers. A missing
 * field never matches (AWS-verified behaviour, also Ruler's).
 */
export function addAnythingBut(field: FieldRule, value: JsonNode): void {
  let kind: 'plain' | 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard' = 'plain';
  let operand = value;
  let innerKeys = 1;
  if (value.kind === 'object') {
    const [first] = value.entries;
    if (!first) return invalid('Anything-But expression name not found');
    const [name, inner] = first;
    if (name !== 'equals-ignore-case' && name !== 'prefix' && name !== 'suffix' && name !== 'wildcard') {
      return invalid(`Unsupported anything-but pattern: ${name}`);
    }
    kind = name;
    operand = inner;
    innerKeys = value.entries.length;
  }
  if (operand.kind !== 'array' && operand.kind !== 'string' && operand.kind !== 'number') {
    return invalid('Value of anything-but must be an array or single string/number value.');
  }
  if (kind === 'plain') {
    const excluded = anythingButValues(operand);
    field.tests.push((leaf) => !excluded(leaf));
    return;
  }
  const { excluded, texts } = anythingButSet(kind, operand);
  if (innerKeys > 1) invalid('Too many elements in numeric expression');
  field.tests.push((leaf) => !excluded(leaf));
  if (kind === 'wildcard')
    field.wildcards.push({ id: `anything-but-wildcard:${JSON.stringify([...new Set(texts)].sort())}`, values: texts });
}

function anythingButValues(operand: JsonNode): ValueTest {
  const items = operand.kind === 'array' ? operand.items : [operand];
  const strings = new Set<string>();
  const numbers: number[] = [];
  for (const item of items) {
    if (item.kind === 'string') strings.add(item.value);
    else if (item.kind === 'number') {
      comparableOperand(item);
      numbers.push(item.value);
    } else invalid('Inside anything but list, start|null|boolean is not supported.');
  }
  if (operand.kind === 'array' && strings.size > 0 === numbers.length > 0) {
    invalid('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  return (leaf) =>
    (leaf.kind === 'string' && strings.has(leaf.value)) ||
    (leaf.kind === 'number' && numbers.some((n) => sameNumber(leaf.value, n)));
}

function anythingButSet(
  kind: 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard',
  operand: JsonNode,
): { excluded: ValueTest; texts: string[] } {
  const items = operand.kind === 'array' ? operand.items : [operand];
  const typeMessage =
    kind === 'equals-ignore-case'
      ? 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'
      : kind === 'wildcard'
        ? 'wildcard match pattern must be a string'
        : 'prefix/suffix match pattern must be a string';
  const texts = items.map((item) => {
    if (item.kind !== 'string') return invalid(typeMessage);
    if ((kind === 'prefix' || kind === 'suffix') && item.value === '') invalid('Null prefix/suffix not allowed');
    return item.value;
  });
  // Ruler compiles an empty list but then fails on the first event; refusing it up front is the only sane local answer.
  if (texts.length === 0) invalid('Empty arrays are not allowed');
  const tests: ValueTest[] = texts.map((text) => {
    switch (kind) {
      case 'prefix':
      case 'suffix':
        return affix(kind, text);
      case 'equals-ignore-case': {
        const regex = ignoreCaseRegex(text, 'whole');
        return (leaf) => leaf.kind === 'string' && regex.test(leaf.value);
      }
      case 'wildcard': {
        const glob = parseWildcard(text);
        return (leaf) => leaf.kind === 'string' && glob(leaf.value);
      }
    }
  });
  return { excluded: (leaf) => tests.some((test) => test(leaf)), texts };
}
