import * as z from '@charter/events/zod';

/**
 * The EventBridge envelope every bus consumer receives
 * (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html), with the same fields and checks
 * as Powertools' `EventBridgeSchema` (`@aws-lambda-powertools/parser/schemas/eventbridge`), which this replaces.
 * Written here rather than imported because Powertools' parser schemas are built on full `zod`: those ten fields put
 * 450 KB of zod and about 25 ms of init into every consumer; on zod/mini they cost nothing measurable. The consumers
 * read `id`, `source`, `time`, `detail-type` and `detail`; the rest is checked as before, so what is accepted or
 * dead-lettered does not change.
 */
export const EventBridgeEnvelope = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});

export type BusEnvelope = z.infer<typeof EventBridgeEnvelope>;
