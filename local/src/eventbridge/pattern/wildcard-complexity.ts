import { invalid } from './invalid-pattern';
import type { SubRule } from './rules';

/**
 * Wildcard complexity. EventBridge refuses wildcard patterns that would make
 * matching too non-deterministic. Ruler's measure is the largest number of
 * wildcard-pattern states a single input value can keep alive at once; this is
 * a model of that measure (Ruler's automaton over UTF-8 bytes of the quoted
 * value). AWS accepts a rule scoring 9 ("*:stack/X/*" three times) and refuses
 * ones scoring 11 ("*:*:*:*:*:event-bus/*") and 12, hence the limit of 10.
 */
const MAX_WILDCARD_COMPLEXITY = 10;
const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences ' +
  'after a wildcard character';

export function checkWildcardComplexity(rules: SubRule[]): void {
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
      if (!patterns) machines.set(machineKey, (patterns = new Map<string, string[]>()));
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
