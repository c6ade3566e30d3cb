import { invalid } from './invalid-pattern';

/**
 * `*` matches any run of characters (including none); `\*` and `\\` are the
 * literal characters. Anything else after a backslash, and `**`, are refused
 * with Ruler's messages, whose positions count UTF-8 bytes of the quoted value.
 */
export function parseWildcard(text: string): (value: string) => boolean {
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

/** Literal segments between stars; a leftmost-first search is exact for `*`-only globs and linear per segment. */
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
