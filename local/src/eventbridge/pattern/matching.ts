import type { FieldRule, Leaf } from './rules';

/**
 * Events. Like Ruler, the event is flattened to dotted paths (so a pattern key
 * "a.b" and nested {"a": {"b": ...}} are the same field, as the user guide
 * warns). Values inside objects inside arrays remember which element they came
 * from, so that one sub-rule cannot be satisfied by fields of different
 * elements of the same array.
 */
type Membership = ReadonlyMap<number, number>;
interface FieldValue {
  leaf: Leaf;
  membership: Membership;
}
type EventFields = Map<string, FieldValue[]>;

export function flattenEvent(event: unknown): EventFields {
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
export function matchSubRule(rule: Array<[string, FieldRule]>, fields: EventFields): boolean {
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
