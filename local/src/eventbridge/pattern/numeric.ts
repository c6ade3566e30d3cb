// Numbers as Ruler compares them, and the numeric operator.
import { invalid } from './invalid-pattern';
import type { JsonNode } from './pattern-json';
import type { ValueTest } from './rules';

// Documented limit: "Numeric matching ... is limited to values between -5.0e9
// and +5.0e9 inclusive, with 15 digits of precision, or six digits to the right
// of the decimal point."
const NUMERIC_LIMIT = 5e9;

/**
 * The number as Ruler compares it: offset and scaled to an integer, so numbers
 * that agree to six decimal places compare equal. Undefined outside the
 * documented range, where numeric comparison does not apply.
 */
function comparable(n: number): number | undefined {
  if (!(n >= -NUMERIC_LIMIT && n <= NUMERIC_LIMIT)) return undefined;
  return Math.trunc(1e6 * (NUMERIC_LIMIT + n));
}

export function comparableOperand(node: JsonNode & { kind: 'number' }): number {
  const value = comparable(node.value);
  return value ?? invalid('Value must be between -5.0E9 and 5.0E9, inclusive');
}

/** Exact numbers match by value (300 matches 300.0 and 3e2), at the documented precision when in range. */
export function sameNumber(a: number, b: number): boolean {
  const ca = comparable(a);
  const cb = comparable(b);
  return ca !== undefined && cb !== undefined ? ca === cb : a === b;
}

/** {"numeric": ["<", 5]} and ranges such as [">", 0, "<=", 5]. */
export function numericTest(items: JsonNode[]): ValueTest {
  const tokenText = (node: JsonNode | undefined): string => {
    if (!node) return ']';
    switch (node.kind) {
      case 'number':
        return node.text;
      case 'string':
        return node.value;
      case 'boolean':
        return String(node.value);
      case 'null':
        return 'null';
      case 'object':
        return '{';
      case 'array':
        return '[';
    }
  };
  const [opNode, first, rangeOpNode, second] = items;
  if (opNode?.kind !== 'string') return invalid(`Invalid member in numeric match: ${tokenText(opNode)}`);
  const op = opNode.value;
  if (!['=', '<', '<=', '>', '>='].includes(op)) return invalid(`Unrecognized numeric range operator: ${op}`);
  if (first?.kind !== 'number') return invalid(`Value of ${op === '=' ? 'equals' : op} must be numeric`);

  if (op === '=' || op === '<' || op === '<=') {
    if (items.length > 2) invalid('Too many elements in numeric expression');
    const bound = comparableOperand(first);
    return numberTest((n) => (op === '=' ? n === bound : op === '<' ? n < bound : n <= bound));
  }

  // ">" and ">=" may be followed by an upper bound; the lower bound always comes first.
  const bottomOpen = op === '>';
  if (items.length === 2) {
    const bottom = comparableOperand(first);
    return numberTest((n) => (bottomOpen ? n > bottom : n >= bottom));
  }
  if (rangeOpNode?.kind !== 'string') return invalid(`Bad value in numeric range: ${tokenText(rangeOpNode)}`);
  const rangeOp = rangeOpNode.value;
  if (rangeOp !== '<' && rangeOp !== '<=') return invalid(`Bad numeric range operator: ${rangeOp}`);
  if (second?.kind !== 'number') return invalid(`Value of ${rangeOp} must be numeric`);
  if (items.length > 4) invalid('Too many terms in numeric range expression');
  const bottom = comparableOperand(first);
  const top = comparableOperand(second);
  if (bottom >= top) invalid('Bottom must be less than top');
  const topOpen = rangeOp === '<';
  return numberTest((n) => (bottomOpen ? n > bottom : n >= bottom) && (topOpen ? n < top : n <= top));
}

/** Numeric operators only ever see JSON numbers inside the documented range. */
function numberTest(predicate: (comparableValue: number) => boolean): ValueTest {
  return (leaf) => {
    if (leaf.kind !== 'number') return false;
    const value = comparable(leaf.value);
    return value !== undefined && predicate(value);
  };
}
