import * as z from './zod';
import { eventCatalog, type DetailType } from './catalog';

export const SCHEMA_ID_BASE = 'https://schemas.charter-booking.example/events/';

/**
 * The JSON Schema a partner validates against: the input side (defaults are optional), with
 * an $id per detail-type. Refinements zod cannot express (real dates, IANA zones, end after
 * start) are named in descriptions; the intake enforces them.
 */
export function jsonSchemaFor(detailType: DetailType): Record<string, unknown> {
  const generated = z.toJSONSchema(eventCatalog[detailType].schema, { io: 'input', target: 'draft-2020-12' });
  return {
    ...generated,
    $id: `${SCHEMA_ID_BASE}${detailType}.v1.json`,
    'x-detail-type': detailType,
    'x-source': eventCatalog[detailType].source,
  };
}

export const jsonSchemaFileName = (detailType: DetailType) => `${detailType}.v1.json`;

/** Stable text for the checked-in file, so staleness is a plain string comparison. */
export function jsonSchemaText(detailType: DetailType): string {
  return `${JSON.stringify(jsonSchemaFor(detailType), null, 2)}\n`;
}
