import { randomUUID } from 'node:crypto';
import { busNameOf } from '../definitions/service';
import { eventBridgeTime } from '../eventbridge/envelopes';
import { compileEventPattern, InvalidEventPatternError, matchesEventPattern } from '../eventbridge/pattern';
import type { PutEventsFault } from '../faults/wire';
import { AwsError, awsJsonHandler, type Operations } from './aws-json';

/** The event a rule target receives, as EventBridge builds it from a PutEvents entry. */
export interface BusEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface BusRule {
  name: string;
  busName: string;
  pattern: Record<string, unknown>;
  target: (envelope: BusEnvelope) => void;
}

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: number | string;
  TraceHeader?: string;
}

/** EventBridge's limit on one entry (and on a whole PutEvents request). */
export const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * As EventBridge documents it: Time counts 14 bytes, then Source, DetailType, Detail and Resources.
 * The publisher has its own copy on purpose: the stand-in judges sizes as EventBridge would, so a
 * mistake in the publisher's arithmetic shows up here instead of being shared.
 */
export function entrySize(entry: PutEventsEntry): number {
  let size = entry.Time !== undefined ? 14 : 0;
  for (const part of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (part) size += Buffer.byteLength(part, 'utf8');
  }
  return size;
}

export class EventBridgeState {
  private readonly rules: Array<BusRule & { matches: (event: Record<string, unknown>) => boolean }> = [];
  readonly received: BusEnvelope[] = [];
  /** When each received event arrived (ms), by event id: the benchmark's clock. */
  readonly arrivedAt = new Map<string, number>();
  /**
   * EventBridge delivers at least once. Tests set this above 1 to deliver every matched event
   * that many times to each target, at once, as a burst of redeliveries would.
   */
  deliveries = 1;
  /** Keeps the last few thousand envelopes for tests and `npm start`'s summary. */
  private readonly keep = 20_000;
  /** With `--faults eventbridge=<p>`: which PutEvents requests fail, and how (see faults/wire.ts). */
  putEventsFaults?: (entries: number) => PutEventsFault | undefined;

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly buses: Set<string>,
  ) {}

  addBus(name: string): void {
    this.buses.add(name);
  }

  addRule(rule: BusRule): void {
    const matches = compileEventPattern(rule.pattern);
    this.rules.push({ ...rule, matches });
  }

  private busOf(nameOrArn: string | undefined): string {
    const name = nameOrArn ? busNameOf(nameOrArn) : 'default';
    if (!this.buses.has(name)) throw new AwsError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return name;
  }

  private describeBus(name: string) {
    return { Name: name, Arn: `arn:aws:events:${this.region}:${this.accountId}:event-bus/${name}` };
  }

  putEvents(input: { Entries?: PutEventsEntry[] }) {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      throw new AwsError(
        'ValidationException',
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: " +
          'Member must have length less than or equal to 10 and greater than or equal to 1',
      );
    }
    const total = entries.reduce((sum, e) => sum + entrySize(e), 0);
    if (total > MAX_ENTRY_BYTES)
      throw new AwsError('ValidationException', 'Total size of the entries in the request is over the limit.');
    const fault = this.putEventsFaults?.(entries.length);
    if (fault?.kind === 'ThrottlingException') throw new AwsError('ThrottlingException', 'Rate exceeded', 400);
    const results = entries.map((entry, index) => {
      // A partial failure: EventBridge did not take these entries, the others went through.
      if (fault?.failed.has(index)) return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Service Failure' };
      try {
        const { bus, envelope } = this.envelopeOf(entry);
        this.dispatch(bus, envelope);
        return { EventId: envelope.id };
      } catch (error) {
        const aws = error instanceof AwsError ? error : new AwsError('InternalFailure', (error as Error).message);
        return { ErrorCode: aws.code, ErrorMessage: aws.message };
      }
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  private envelopeOf(entry: PutEventsEntry): { bus: string; envelope: BusEnvelope } {
    const bus = this.busOf(entry.EventBusName);
    if (!entry.Source)
      throw new AwsError('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
    if (!entry.DetailType)
      throw new AwsError(
        'InvalidArgument',
        'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      );
    if (entry.Detail === undefined)
      throw new AwsError('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
    if (entry.Source.startsWith('aws.'))
      throw new AwsError('NotAuthorizedForSourceException', `Not authorized for the source ${entry.Source}.`);
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      throw new AwsError('MalformedDetail', 'Detail is malformed.');
    }
    if (!detail || typeof detail !== 'object' || Array.isArray(detail))
      throw new AwsError('MalformedDetail', 'Detail is malformed.');
    if (entrySize(entry) > MAX_ENTRY_BYTES)
      throw new AwsError('InvalidArgument', 'Entry size is over the 256 KB limit.');
    const time =
      entry.Time === undefined ? new Date() : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
    const envelope: BusEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.accountId,
      time: eventBridgeTime(Number.isNaN(time.getTime()) ? new Date() : time),
      region: this.region,
      resources: entry.Resources ?? [],
      detail: detail as Record<string, unknown>,
    };
    return { bus, envelope };
  }

  /**
   * TEST ONLY. Delivers an event as an AWS service puts it on a bus (SES's email events on the default bus, source
   * `aws.ses`), which PutEvents refuses to callers as AWS does. No HTTP operation reaches this: only code holding the
   * cloud in-process (a test, a screenshot script) can, so a handler can never publish as AWS.
   */
  injectAwsServiceEvent(input: {
    source: string;
    detailType: string;
    detail: Record<string, unknown>;
    busName?: string;
    resources?: string[];
    time?: Date;
  }): BusEnvelope {
    if (!input.source.startsWith('aws.'))
      throw new Error(`${input.source} is not an AWS service source: publish it with PutEvents`);
    const envelope: BusEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': input.detailType,
      source: input.source,
      account: this.accountId,
      time: eventBridgeTime(input.time ?? new Date()),
      region: this.region,
      resources: input.resources ?? [],
      detail: structuredClone(input.detail),
    };
    this.dispatch(this.busOf(input.busName), envelope);
    return envelope;
  }

  private dispatch(bus: string, envelope: BusEnvelope): void {
    this.received.push(envelope);
    this.arrivedAt.set(envelope.id, Date.now());
    if (this.received.length > this.keep) {
      for (const old of this.received.splice(0, this.received.length - this.keep)) this.arrivedAt.delete(old.id);
    }
    for (const rule of this.rules) {
      if (rule.busName === bus && rule.matches(envelope as unknown as Record<string, unknown>)) {
        // Each target gets its own copy: one consumer cannot change what another sees.
        for (let i = 0; i < this.deliveries; i++) rule.target(structuredClone(envelope));
      }
    }
  }

  operations(): Operations {
    return {
      PutEvents: (input) => this.putEvents(input),
      TestEventPattern: (input: { EventPattern?: string; Event?: string }) => {
        try {
          const event = JSON.parse(String(input.Event)) as Record<string, unknown>;
          return { Result: matchesEventPattern(String(input.EventPattern), event) };
        } catch (error) {
          if (error instanceof InvalidEventPatternError)
            throw new AwsError('InvalidEventPatternException', error.message);
          throw new AwsError('InvalidEventPatternException', `Event is not valid JSON: ${(error as Error).message}`);
        }
      },
      ListEventBuses: () => ({ EventBuses: [...this.buses].map((name) => this.describeBus(name)) }),
      DescribeEventBus: (input: { Name?: string }) => this.describeBus(this.busOf(input.Name)),
      ListRules: (input: { EventBusName?: string; NamePrefix?: string }) => {
        const bus = this.busOf(input.EventBusName);
        // A rule on a custom bus has the bus in its ARN; one on the default bus does not.
        const arnPrefix = `arn:aws:events:${this.region}:${this.accountId}:rule/${bus === 'default' ? '' : `${bus}/`}`;
        return {
          Rules: this.rules
            .filter((r) => r.busName === bus && r.name.startsWith(input.NamePrefix ?? ''))
            .map((r) => ({
              Name: r.name,
              Arn: `${arnPrefix}${r.name}`,
              EventBusName: r.busName,
              EventPattern: JSON.stringify(r.pattern),
              State: 'ENABLED',
            })),
        };
      },
    };
  }
}

export const eventBridgeHandler = (state: EventBridgeState) => awsJsonHandler('AWSEvents', state.operations(), '1.1');
