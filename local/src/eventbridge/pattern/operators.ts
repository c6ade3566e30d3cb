// A field's match expressions ({"prefix": ...}, {"numeric": [...]}...), each validated as Ruler does.
import { addAnythingBut } from './anything-but';
import { invalid } from './invalid-pattern';
import { inRange, ipBytes, parseCidr } from './ip-address';
import { numericTest } from './numeric';
import type { JsonNode } from './pattern-json';
import type { FieldRule } from './rules';
import { affix, affixIgnoringCase, exactString, ignoreCaseRegex } from './string-tests';
import { parseWildcard } from './wildcard';

/** Adds the test of one match expression to the field; throws with Ruler's message for one PutRule refuses. */
export function addOperator(field: FieldRule, node: JsonNode & { kind: 'object' }): void {
  const [first, ...rest] = node.entries;
  if (!first) return invalid('Match expression name not found');
  const [operator, value] = first;
  const onlyOneKey = () => {
    if (rest.length > 0) invalid('Only one key allowed in match expression');
  };
  // Ruler reports any extra key after numeric and anything-but with this message.
  const tooManyElements = () => {
    if (rest.length > 0) invalid('Too many elements in numeric expression');
  };
  const str = (v: JsonNode, message: string): string => (v.kind === 'string' ? v.value : invalid(message));

  switch (operator) {
    case 'exactly': {
      field.tests.push(exactString(str(value, 'exact match pattern must be a string')));
      return onlyOneKey();
    }
    case 'prefix':
    case 'suffix': {
      const test =
        value.kind === 'object'
          ? affixIgnoringCase(operator, value)
          : affix(operator, str(value, `${operator} match pattern must be a string`));
      field.tests.push(test);
      return onlyOneKey();
    }
    case 'equals-ignore-case': {
      const regex = ignoreCaseRegex(str(value, 'equals-ignore-case match pattern must be a string'), 'whole');
      field.tests.push((leaf) => leaf.kind === 'string' && regex.test(leaf.value));
      return onlyOneKey();
    }
    case 'wildcard': {
      const text = str(value, 'wildcard match pattern must be a string');
      const glob = parseWildcard(text);
      field.tests.push((leaf) => leaf.kind === 'string' && glob(leaf.value));
      field.wildcards.push({ id: `wildcard:${text}`, values: [text] });
      return onlyOneKey();
    }
    case 'numeric': {
      if (value.kind !== 'array') return invalid('Value of numeric must be an array.');
      field.tests.push(numericTest(value.items));
      return tooManyElements();
    }
    case 'anything-but': {
      addAnythingBut(field, value);
      return tooManyElements();
    }
    case 'exists': {
      if (value.kind !== 'boolean') return invalid('exists match pattern must be either true or false.');
      if (value.value) field.tests.push(() => true);
      else field.absence = true;
      return onlyOneKey();
    }
    case 'cidr': {
      // Ruler's message for a non-string CIDR really does say "prefix".
      const range = parseCidr(str(value, 'prefix match pattern must be a string'));
      field.tests.push((leaf) => leaf.kind === 'string' && inRange(ipBytes(leaf.value), range));
      return onlyOneKey();
    }
    default:
      return invalid(`Unrecognized match type ${operator}`);
  }
}
