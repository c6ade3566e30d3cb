import { invalid } from './invalid-pattern';

/**
 * Pattern JSON. Patterns are parsed by hand rather than with JSON.parse because
 * Ruler reads them as a token stream: a key repeated with object values
 * contributes all of its nested fields, which JSON.parse would silently drop.
 */
export type JsonNode =
  | { kind: 'object'; entries: Array<[string, JsonNode]> }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export function parseJson(text: string): JsonNode {
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
  /** Comma-separated members up to `close` (past the opening bracket): an object's entries or an array's items. */
  const parseMembers = (close: '}' | ']', parseMember: () => void) => {
    skipWhitespace();
    if (text.charAt(pos) === close) {
      pos++;
      return;
    }
    for (;;) {
      parseMember();
      skipWhitespace();
      if (text.charAt(pos) === ',') pos++;
      else if (text.charAt(pos) === close) {
        pos++;
        return;
      } else fail(`Unexpected character '${text.charAt(pos)}'`);
    }
  };
  const parseValue = (): JsonNode => {
    skipWhitespace();
    const ch = text.charAt(pos);
    if (ch === '{') {
      pos++;
      const entries: Array<[string, JsonNode]> = [];
      parseMembers('}', () => {
        skipWhitespace();
        const key = parseString();
        skipWhitespace();
        expect(':');
        entries.push([key, parseValue()]);
      });
      return { kind: 'object', entries };
    }
    if (ch === '[') {
      pos++;
      const items: JsonNode[] = [];
      parseMembers(']', () => items.push(parseValue()));
      return { kind: 'array', items };
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

/** The node as compact JSON text, numbers as written: equal texts are equal patterns. */
export function canonical(node: JsonNode): string {
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
