// What a pattern compiles to: per field, the tests a value must pass.

/**
 * Values as Ruler sees them: typed JSON leaves. Types never cross: "5" is not 5,
 * null is not "null", and a string operator never matches a number.
 */
export type Leaf =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export type ValueTest = (leaf: Leaf) => boolean;

export interface FieldRule {
  tests: ValueTest[];
  /** The field carries {"exists": false}: satisfied when no (array-consistent) value is present. */
  absence: boolean;
  /** Wildcard patterns on this field, for the complexity limit. */
  wildcards: Array<{ id: string; values: string[] }>;
  /** Canonical text of the field's pattern list, to tell apart Ruler's shared and unshared machine states. */
  signature: string;
}

/** One combination of the pattern's $or branches: dotted field path -> its rule. */
export type SubRule = Map<string, FieldRule>;

/** A compiled pattern: true when the event (the whole envelope) matches. */
export type EventMatcher = (event: Record<string, unknown>) => boolean;
