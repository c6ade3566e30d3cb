/**
 * EventBridge event-pattern validation and matching for the local emulator.
 *
 * EventBridge evaluates patterns with AWS's open-source Event Ruler
 * (github.com/aws/event-ruler): its PutRule/TestEventPattern error reasons are
 * Ruler's compiler messages verbatim. So where the user guide is silent, this
 * module follows Ruler's JsonRuleCompiler (validation) and rulesForJSONEvent
 * (array-consistent matching), and it reuses Ruler's messages so that a pattern
 * refused here is refused with the reason AWS would give.
 */
import { isIPv6 } from 'node:net';

export class InvalidEventPatternError extends Error {
  override name = 'InvalidEventPatternError';
  /** The part after "Reason: ", i.e. Ruler's own message. */
  readonly reason: string;

  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.reason = reason;
  }
}

type EventMatcher = (event: Record<string, unknown>) => boolean;

/** Throws InvalidEventPatternError when the pattern is not one EventBridge would accept (PutRule). Accepts a JSON string or an object. */
export function validateEventPattern(pattern: unknown): void {
  compile(pattern);
}

/** True when the event (the full EventBridge envelope as a plain JSON object) matches the pattern. */
export function matchesEventPattern(
  pattern: string | Record<string, unknown>,
  event: Record<string, unknown>,
): boolean {
  return compileEventPattern(pattern)(event);
}

// Rules are re-evaluated for every PutEvents entry, so string patterns are
// compiled once. Clearing wholesale keeps the cache bounded without LRU
// bookkeeping; a re-compile is cheap next to the cost of a wrong cache.
const compiledCache = new Map<string, EventMatcher>();
const COMPILED_CACHE_LIMIT = 500;

/** Compile once, match many. Throws InvalidEventPatternError for patterns EventBridge would refuse. */
export function compileEventPattern(pattern: string | Record<string, unknown>): EventMatcher {
  if (typeof pattern !== 'string') return compile(pattern);
  const cached = compiledCache.get(pattern);
  if (cached) return cached;
  const matcher = compile(pattern);
  if (compiledCache.size >= COMPILED_CACHE_LIMIT) compiledCache.clear();
  compiledCache.set(pattern, matcher);
  return matcher;
}

// ---------------------------------------------------------------------------
// Pattern JSON. Patterns are parsed by hand rather than with JSON.parse because
// Ruler reads them as a token stream: a key repeated with object values
// contributes all of its nested fields, which JSON.parse would silently drop.

type JsonNode =
  | { kind: 'object'; entries: Array<[string, JsonNode]> }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

function invalid(reason: string): never {
  throw new InvalidEventPatternError(reason);
}

function parseJson(text: string): JsonNode {
  let pos = 0;
  const fail = (what: string): never => invalid(`${what} at position ${pos}`);
  const skipWhitespace = () => {
    while (pos < text.length && ' \t\n\r'.includes(text.charAt(pos))) pos++;
  };
  const expect = (literal: string) => {
    if (text.startsWith(literal, pos)) pos += literal.length;
    else fail(`Unexpected character '${text.charAt(pos)}'`);
  };
  const parseString = (): string => {
    expect('"');
    let out = '';
    for (;;) {
      if (pos >= text.length) fail('Unterminated string');
      const ch = text.charAt(pos++);
      if (ch === '"') return out;
      if (ch < ' ') fail('Unescaped control character in string');
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = text.charAt(pos++);
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (Object.hasOwn(simple, esc)) out += simple[esc];
      else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos, pos + 4))) {
        out += String.fromCharCode(parseInt(text.slice(pos, pos + 4), 16));
        pos += 4;
      } else fail('Invalid escape in string');
    }
  };
  const parseValue = (): JsonNode => {
    skipWhitespace();
    const ch = text.charAt(pos);
    if (ch === '{') {
      pos++;
      const entries: Array<[string, JsonNode]> = [];
      skipWhitespace();
      if (text.charAt(pos) === '}') {
        pos++;
        return { kind: 'object', entries };
      }
      for (;;) {
        skipWhitespace();
        const key = parseString();
        skipWhitespace();
        expect(':');
        entries.push([key, parseValue()]);
        skipWhitespace();
        if (text.charAt(pos) === ',') pos++;
        else if (text.charAt(pos) === '}') {
          pos++;
          return { kind: 'object', entries };
        } else fail(`Unexpected character '${text.charAt(pos)}'`);
      }
    }
    if (ch === '[') {
      pos++;
      const items: JsonNode[] = [];
      skipWhitespace();
      if (text.charAt(pos) === ']') {
        pos++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(parseValue());
        skipWhitespace();
        if (text.charAt(pos) === ',') pos++;
        else if (text.charAt(pos) === ']') {
          pos++;
          return { kind: 'array', items };
        } else fail(`Unexpected character '${text.charAt(pos)}'`);
      }
    }
    if (ch === '"') return { kind: 'string', value: parseString() };
    if (text.startsWith('true', pos)) return ((pos += 4), { kind: 'boolean', value: true });
    if (text.startsWith('false', pos)) return ((pos += 5), { kind: 'boolean', value: false });
    if (text.startsWith('null', pos)) return ((pos += 4), { kind: 'null' });
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos));
    if (number) {
      pos += number[0].length;
      return { kind: 'number', value: Number(number[0]), text: number[0] };
    }
    return fail(pos >= text.length ? 'Unexpected end of input' : `Unexpected character '${ch}'`);
  };
  const root = parseValue();
  skipWhitespace();
  if (pos < text.length) fail(`Unexpected character '${text.charAt(pos)}'`);
  return root;
}

// ---------------------------------------------------------------------------
// Values as Ruler sees them: typed JSON leaves. Types never cross: "5" is not 5,
// null is not "null", and a string operator never matches a number.

type Leaf =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

type ValueTest = (leaf: Leaf) => boolean;

interface FieldRule {
  tests: ValueTest[];
  /** The field carries {"exists": false}: satisfied when no (array-consistent) value is present. */
  absence: boolean;
  /** Wildcard patterns on this field, for the complexity limit. */
  wildcards: Array<{ id: string; values: string[] }>;
  /** Canonical text of the field's pattern list, to tell apart Ruler's shared and unshared machine states. */
  signature: string;
}

type SubRule = Map<string, FieldRule>;

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

function comparableOperand(node: JsonNode & { kind: 'number' }): number {
  const value = comparable(node.value);
  return value ?? invalid('Value must be between -5.0E9 and 5.0E9, inclusive');
}

/** Exact numbers match by value (300 matches 300.0 and 3e2), at the documented precision when in range. */
function sameNumber(a: number, b: number): boolean {
  const ca = comparable(a);
  const cb = comparable(b);
  return ca !== undefined && cb !== undefined ? ca === cb : a === b;
}

// ---------------------------------------------------------------------------
// Compilation: a port of Ruler's JsonRuleCompiler. The pattern becomes a list of
// sub-rules (one per $or branch combination), each a map from dotted field path
// to the tests its values must pass. A sub-rule matches when every field
// passes; the pattern matches when any sub-rule does.

const OR = '$or';

// Documented limit (user guide, "Complex example with $or matching"): PutRule, CreateArchive, UpdateArchive
// and TestEventPattern throw InvalidEventPatternException "if the use of $or results in over 1000 rule
// combinations". Not a Ruler rule, so the reason text is ours; AWS's wording is not documented.
const MAX_OR_COMBINATIONS = 1000;

// Ruler reserves these names inside $or so that a mistyped operator is not
// silently taken for a field name.
const RESERVED_IN_OR = new Set([
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

function compile(pattern: unknown): EventMatcher {
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

/** Objects go through JSON so that they mean exactly what their JSON text would (undefined dropped, toJSON honoured). */
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
      parseOr(rules, path, value);
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

function parseOr(rules: SubRule[], path: string[], node: JsonNode): void {
  const before = rules.map((rule) => new Map(rule));
  rules.length = 0;
  if (node.kind !== 'array') return invalid(`It must be an Array followed with ${OR}.`);
  for (const branch of node.items) {
    if (branch.kind !== 'object') invalid(`Only JSON object is allowed in array of ${OR} relationship.`);
    const forked = before.map((rule) => new Map(rule));
    if (forked.length === 0) forked.push(new Map());
    parseObject(forked, path, branch, true);
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

function exactString(expected: string): ValueTest {
  return (leaf) => leaf.kind === 'string' && leaf.value === expected;
}

function addOperator(field: FieldRule, node: JsonNode & { kind: 'object' }): void {
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

function affix(operator: 'prefix' | 'suffix', text: string): ValueTest {
  return operator === 'prefix'
    ? (leaf) => leaf.kind === 'string' && leaf.value.startsWith(text)
    : (leaf) => leaf.kind === 'string' && leaf.value.endsWith(text);
}

function affixIgnoringCase(operator: 'prefix' | 'suffix', node: JsonNode & { kind: 'object' }): ValueTest {
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
function ignoreCaseRegex(text: string, anchor: 'whole' | 'prefix' | 'suffix'): RegExp {
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

/**
 * `*` matches any run of characters (including none); `\*` and `\\` are the
 * literal characters. Anything else after a backslash, and `**`, are refused
 * with Ruler's messages, whose positions count UTF-8 bytes of the quoted value.
 */
function parseWildcard(text: string): (value: string) => boolean {
  const segments: string[] = [''];
  const bytePos = (index: number) => 1 + Buffer.byteLength(text.slice(0, index), 'utf8');
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '*') {
      if (text.charAt(i + 1) === '*') invalid(`Consecutive wildcard characters at pos ${bytePos(i)}`);
      segments.push('');
    } else if (ch === '\\') {
      const next = text.charAt(i + 1);
      if (next !== '*' && next !== '\\') invalid(`Invalid escape character at pos ${bytePos(i)}`);
      segments[segments.length - 1] += next;
      i++;
    } else {
      segments[segments.length - 1] += ch;
    }
  }
  return (value) => globMatch(segments, value);
}

/** Literal segments separated by stars; leftmost-first search is exact for `*`-only globs and stays linear per segment. */
function globMatch(segments: string[], value: string): boolean {
  const first = segments[0] ?? '';
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1] ?? '';
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (const segment of segments.slice(1, -1)) {
    const found = value.indexOf(segment, at);
    if (found < 0 || found + segment.length > end) return false;
    at = found + segment.length;
  }
  return true;
}

function numericTest(items: JsonNode[]): ValueTest {
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

/**
 * anything-but excludes the listed values and matches every other value that is
 * present, whatever its type: {"anything-but": "x"} matches null, numbers and
 * booleans, and {"anything-but": {"prefix": "x"}} matches numbers. A missing
 * field never matches (AWS-verified behaviour, also Ruler's).
 */
function addAnythingBut(field: FieldRule, value: JsonNode): void {
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

function canonical(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
    case 'array':
      return `[${node.items.map(canonical).join(',')}]`;
    case 'string':
      return JSON.stringify(node.value);
    case 'number':
      return node.text;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
  }
}

// ---------------------------------------------------------------------------
// IP addresses. Ruler only treats strings shaped like these two expressions as
// addresses (anything else is "Nonstandard"), then parses them like Java's
// InetAddress, which turns IPv4-mapped IPv6 addresses into IPv4 ones.

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** Address bytes; 'invalid' for address-shaped strings that are not addresses; undefined for other strings. */
function ipBytes(text: string): Uint8Array | 'invalid' | undefined {
  if (IPV4_SHAPE.test(text)) {
    const octets = text.split('.').map(Number);
    return octets.every((o) => o <= 255) ? Uint8Array.from(octets) : 'invalid';
  }
  if (!IPV6_SHAPE.test(text)) return undefined;
  if (!isIPv6(text)) return 'invalid';
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function sameBytes(a: Uint8Array | 'invalid' | undefined, b: Uint8Array): boolean {
  return a instanceof Uint8Array && a.length === b.length && a.every((byte, i) => byte === b[i]);
}

interface IpRange {
  min: Uint8Array;
  max: Uint8Array;
}

function parseCidr(text: string): IpRange {
  // Java's String.split drops trailing empty strings, so "10.0.0.0/8/" has one slash as far as Ruler is concerned.
  const parts = text.split('/');
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const [address = '', maskText = ''] = parts;
  if (parts.length !== 2) return invalid("Malformed CIDR, one '/' required");
  const mask = /^[+-]?\d+$/.test(maskText) ? Number(maskText) : NaN;
  if (!Number.isInteger(mask) || mask > 2 ** 31 - 1 || mask < -(2 ** 31))
    return invalid('Malformed CIDR, mask bits must be an integer');
  if (mask < 0) return invalid('Malformed CIDR, mask bits must not be negative');
  const bytes = ipBytes(address);
  if (bytes === undefined) return invalid(`Nonstandard IP address: ${address}`);
  if (bytes === 'invalid') return invalid(`Invalid IP address: ${address}`);
  // Ruler refuses a full-length mask (/32, /128); a single address is matched with a plain string instead.
  if (bytes.length === 4 && mask > 31) return invalid('IPv4 mask bits must be < 32');
  if (bytes.length === 16 && mask > 127) return invalid('IPv6 mask bits must be < 128');
  const min = new Uint8Array(bytes.length);
  const max = new Uint8Array(bytes.length);
  bytes.forEach((byte, i) => {
    const fixedBits = Math.max(0, Math.min(8, mask - 8 * i));
    const hostMask = 0xff >> fixedBits;
    min[i] = byte & ~hostMask & 0xff;
    max[i] = byte | hostMask;
  });
  return { min, max };
}

function inRange(bytes: Uint8Array | 'invalid' | undefined, range: IpRange): boolean {
  if (!(bytes instanceof Uint8Array) || bytes.length !== range.min.length) return false;
  const compare = (a: Uint8Array, b: Uint8Array) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  return compare(bytes, range.min) >= 0 && compare(bytes, range.max) <= 0;
}

// ---------------------------------------------------------------------------
// Events. Like Ruler, the event is flattened to dotted paths (so a pattern key
// "a.b" and nested {"a": {"b": ...}} are the same field, as the user guide
// warns). Values inside objects inside arrays remember which element they came
// from, so that one sub-rule cannot be satisfied by fields of different
// elements of the same array.

type Membership = ReadonlyMap<number, number>;
interface FieldValue {
  leaf: Leaf;
  membership: Membership;
}
type EventFields = Map<string, FieldValue[]>;

function flattenEvent(event: unknown): EventFields {
  const fields: EventFields = new Map();
  let arrays = 0;
  const membership = new Map<number, number>();
  const add = (path: string, leaf: Leaf) => {
    let values = fields.get(path);
    if (!values) fields.set(path, (values = []));
    values.push({ leaf, membership: new Map(membership) });
  };
  const toJson = (value: unknown): unknown => {
    const withToJson = value as { toJSON?: unknown } | null;
    return typeof withToJson?.toJSON === 'function' ? (withToJson.toJSON as () => unknown)() : value;
  };
  const isSkipped = (value: unknown) => value === undefined || typeof value === 'function' || typeof value === 'symbol';
  const visit = (raw: unknown, path: string): void => {
    const value = toJson(raw);
    if (Array.isArray(value)) {
      const id = arrays++;
      value.forEach((element: unknown, index) => {
        const item = toJson(element);
        if (item !== null && typeof item === 'object') {
          membership.set(id, index);
          visit(item, path);
          membership.delete(id);
        } else {
          // JSON turns holes in arrays into null.
          visit(isSkipped(item) ? null : item, path);
        }
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (isSkipped(toJson(child))) continue;
        visit(child, path === '' ? key : `${path}.${key}`);
      }
    } else if (typeof value === 'string') add(path, { kind: 'string', value });
    else if (typeof value === 'number')
      add(path, Number.isFinite(value) ? { kind: 'number', value } : { kind: 'null' });
    else if (typeof value === 'bigint') add(path, { kind: 'number', value: Number(value) });
    else if (typeof value === 'boolean') add(path, { kind: 'boolean', value });
    else if (value === null) add(path, { kind: 'null' });
  };
  if (event !== null && typeof event === 'object' && !Array.isArray(event)) visit(event, '');
  return fields;
}

function consistent(a: Membership, b: Membership): boolean {
  for (const [array, index] of b) {
    const other = a.get(array);
    if (other !== undefined && other !== index) return false;
  }
  return true;
}

/**
 * Walks the sub-rule's fields in sorted key order, as Ruler's state machine
 * does. Order matters for {"exists": false}: absence is judged against the
 * array elements chosen by the fields before it, not by those after it.
 */
function matchSubRule(rule: Array<[string, FieldRule]>, fields: EventFields): boolean {
  const failed = new Set<string>();
  const walk = (i: number, constraints: Membership): boolean => {
    const entry = rule[i];
    if (!entry) return true;
    const memoKey = `${i}|${[...constraints]
      .map(([a, b]) => `${a}:${b}`)
      .sort()
      .join(',')}`;
    if (failed.has(memoKey)) return false;
    const [path, field] = entry;
    const candidates = (fields.get(path) ?? []).filter((value) => consistent(constraints, value.membership));
    if (field.absence && candidates.length === 0 && walk(i + 1, constraints)) return true;
    for (const { leaf, membership } of candidates) {
      if (!field.tests.some((test) => test(leaf))) continue;
      const merged = membership.size === 0 ? constraints : new Map([...constraints, ...membership]);
      if (walk(i + 1, merged)) return true;
    }
    failed.add(memoKey);
    return false;
  };
  return walk(0, new Map());
}

// ---------------------------------------------------------------------------
// Wildcard complexity. EventBridge refuses wildcard patterns that would make
// matching too non-deterministic. Ruler's measure is the largest number of
// wildcard-pattern states a single input value can keep alive at once; this is
// a model of that measure (Ruler's automaton over UTF-8 bytes of the quoted
// value). AWS accepts a rule scoring 9 ("*:stack/X/*" three times) and refuses
// ones scoring 11 ("*:*:*:*:*:event-bus/*") and 12, hence the limit of 10.

const MAX_WILDCARD_COMPLEXITY = 10;
const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

function checkWildcardComplexity(rules: SubRule[]): void {
  // Patterns on the same field share one automaton when the fields sorted
  // before it carry identical patterns, so their states add up.
  const machines = new Map<string, Map<string, string[]>>();
  for (const rule of rules) {
    const keys = [...rule.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    keys.forEach((key, index) => {
      const field = rule.get(key);
      if (!field || field.wildcards.length === 0) return;
      const context = keys
        .slice(0, index)
        .map((k) => `${JSON.stringify(k)}=${rule.get(k)?.signature}`)
        .join('&');
      const machineKey = `${context}#${key}`;
      let patterns = machines.get(machineKey);
      if (!patterns) machines.set(machineKey, (patterns = new Map()));
      for (const { id, values } of field.wildcards) patterns.set(id, values);
    });
  }
  for (const patterns of machines.values()) {
    if (wildcardComplexity([...patterns.values()]) > MAX_WILDCARD_COMPLEXITY) invalid(TOO_COMPLEX);
  }
}

interface GlobAutomaton {
  group: number;
  bytes: number[];
  stars: Set<number>;
  firstStar: number;
}

/** Each group is one Ruler pattern; an anything-but wildcard list is one pattern with several values. */
function wildcardComplexity(groups: string[][]): number {
  const QUOTE = 0x22;
  const automata: GlobAutomaton[] = [];
  groups.forEach((values, group) => {
    for (const value of new Set(values)) {
      const bytes = [QUOTE];
      const stars = new Set<number>();
      for (let i = 0; i < value.length; i++) {
        const ch = value.charAt(i);
        if (ch === '*') stars.add(bytes.length);
        else bytes.push(...Buffer.from(ch === '\\' ? value.charAt(++i) : ch, 'utf8'));
      }
      bytes.push(QUOTE);
      automata.push({ group, bytes, stars, firstStar: stars.size > 0 ? Math.min(...stars) : Infinity });
    }
  });
  const OTHER = -1;
  const alphabet = [...new Set(automata.flatMap((a) => a.bytes)), OTHER];
  // A state is [automaton, kind, position]: 'L' after a literal byte, 'S' looping on a star.
  type State = readonly [number, 'L' | 'S', number];
  // Before the first star, values of one pattern share their prefix in Ruler's trie.
  const identity = ([a, kind, p]: State) => {
    const automaton = automata[a];
    if (automaton && kind === 'L' && p <= automaton.firstStar)
      return `${automaton.group}|L|${automaton.bytes.slice(0, p).join(',')}`;
    return `${a}|${kind}|${p}`;
  };
  const start: State[] = automata.map((_, a) => [a, 'L', 0] as const);
  const queue: State[][] = [];
  const seen = new Set<string>();
  let worst = 0;
  const step = (states: State[], byte: number): State[] => {
    const next = new Map<string, State>();
    for (const [a, , p] of states) {
      const automaton = automata[a];
      if (!automaton) continue;
      if (automaton.stars.has(p)) next.set(`${a}|S|${p}`, [a, 'S', p]);
      if (p < automaton.bytes.length && automaton.bytes[p] === byte) next.set(`${a}|L|${p + 1}`, [a, 'L', p + 1]);
    }
    return [...next.values()];
  };
  for (const byte of alphabet) queue.push(step(start, byte));
  // Bounded search: past the limit the answer no longer matters, and a pathological pattern must not hang PutRule.
  while (queue.length > 0 && seen.size < 20_000) {
    const states = queue.shift() ?? [];
    if (states.length === 0) continue;
    const key = states
      .map(([a, k, p]) => `${a}${k}${p}`)
      .sort()
      .join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    const ids = new Set(states.map(identity));
    const pendingLoops = new Set<string>();
    for (const [a, , p] of states) {
      const loop = identity([a, 'S', p]);
      if (automata[a]?.stars.has(p) && !ids.has(loop)) pendingLoops.add(loop);
    }
    worst = Math.max(worst, ids.size + pendingLoops.size);
    if (worst > MAX_WILDCARD_COMPLEXITY) return worst;
    for (const byte of alphabet) queue.push(step(states, byte));
  }
  return queue.length > 0 ? MAX_WILDCARD_COMPLEXITY + 1 : worst;
}
