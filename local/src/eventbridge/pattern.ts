/**
 * EventBridge event-pattern validation and matching for the local emulator.
 *
 * EventBridge evaluates patterns with AWS's open-source Event Ruler
 * (github.com/aws/event-ruler): its PutRule/TestEventPattern error reasons are
 * Ruler's compiler messages verbatim. So where the user guide is silent, this
 * module follows Ruler's JsonRuleCompiler (validation) and rulesForJSONEvent
 * (array-consistent matching), and it reuses Ruler's messages so that a pattern
 * refused here is refused with the reason AWS would give.
 *
 * The parts, in local/src/eventbridge/pattern/: pattern-json (the pattern's text), compile
 * (fields and their tests), or-expansion, operators, string-tests, numeric, anything-but,
 * wildcard and wildcard-complexity, ip-address, and matching (the event's side).
 */
import { compile } from './pattern/compile';
import type { EventMatcher } from './pattern/rules';

export { InvalidEventPatternError } from './pattern/invalid-pattern';

/** Throws InvalidEventPatternError for a pattern (JSON text or an object) EventBridge would refuse at PutRule. */
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
