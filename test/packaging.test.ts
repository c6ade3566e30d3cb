/**
 * `sls package --stage ci` for every service, offline, and the CloudFormation it writes read
 * against ../shared/ARCHITECTURE.md: the bus and who may publish on it, each service's rules
 * and routes, and each function's IAM role granting only what it uses.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bookingDetailTypes, detailTypes, eventCatalog } from '@charter/events';
import { DEFAULT_PORTS } from '@charter/local/cloud';
import {
  busNameOf,
  distributionEndpointKey,
  type DistributionConfig,
  IntrinsicResolver,
  loadService,
  localScheme,
  type CloudResource,
  type ServiceWiring,
} from '@charter/local/definitions';
import { packageService, serviceDirs } from '../scripts/package-all';

/** The template `sls package` writes, as far as this test reads it. */
interface Template {
  Resources: Record<string, CloudResource>;
}
type GetAtt = { 'Fn::GetAtt': [string, string] };
interface IamStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}
/** Throttling of one route, as the HTTP API stage sets it. */
interface RouteSettings {
  ThrottlingRateLimit?: number;
  ThrottlingBurstLimit?: number;
}

/** The resource types this test reads, and what it reads of each (intrinsics as CloudFormation writes them). */
interface ResourceProperties {
  'AWS::Events::EventBus': { Name: string };
  'AWS::Events::Archive': { SourceArn: unknown; RetentionDays: number };
  'AWS::Events::EventBusPolicy': {
    Statement: {
      Effect: string;
      Action: string;
      Principal: { AWS: string };
      Condition: { StringEquals: Record<string, string | string[]> };
    };
  };
  'AWS::ApiGatewayV2::Api': { CorsConfiguration?: unknown };
  'AWS::ApiGatewayV2::Stage': { DefaultRouteSettings?: RouteSettings; RouteSettings?: Record<string, RouteSettings> };
  'AWS::ApiGatewayV2::Route': { RouteKey: string; Target: { 'Fn::Join': [string, [string, { Ref: string }]] } };
  'AWS::ApiGatewayV2::Integration': { IntegrationUri: GetAtt };
  'AWS::Events::Rule': {
    Name?: string;
    EventBusName?: unknown;
    EventPattern?: string | { 'detail-type': string[]; source: unknown[] };
    ScheduleExpression?: string;
    State?: string;
    Targets: Array<{
      Arn: GetAtt;
      DeadLetterConfig?: { Arn: unknown };
      RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
    }>;
  };
  'AWS::Lambda::Function': {
    FunctionName: string;
    Handler: string;
    Code: { S3Key: string };
    Role: unknown;
    Environment?: { Variables?: Record<string, unknown> };
    Timeout: number;
    MemorySize: number;
    ReservedConcurrentExecutions?: number;
  };
  'AWS::Lambda::EventInvokeConfig': {
    FunctionName: { Ref: string };
    MaximumRetryAttempts?: number;
    DestinationConfig?: { OnFailure?: { Destination: unknown } };
  };
  'AWS::IAM::Role': { Policies?: Array<{ PolicyDocument: { Statement: IamStatement[] } }> };
  'AWS::SQS::Queue': { QueueName: string };
  'AWS::SQS::QueuePolicy': {
    Queues: unknown[];
    PolicyDocument: {
      Statement: Array<{
        Effect: string;
        Principal: unknown;
        Action: string | string[];
        Resource: unknown;
        Condition?: { ArnEquals?: Record<string, unknown[]> };
      }>;
    };
  };
  'AWS::SNS::Topic': { TopicName: string };
  'AWS::SNS::Subscription': { TopicArn: unknown; Protocol: string; Endpoint: string };
  'AWS::CloudWatch::Alarm': {
    AlarmName: string;
    AlarmDescription: unknown;
    Namespace: string;
    MetricName: string;
    Dimensions?: Array<{ Name: string; Value: string }>;
    Statistic: string;
    Threshold: number;
    ComparisonOperator: string;
    AlarmActions: unknown[];
  };
  'AWS::Logs::MetricFilter': {
    LogGroupName: string;
    FilterPattern: string;
    MetricTransformations: Array<{ MetricNamespace: string; MetricName: string }>;
  };
  'AWS::SES::ConfigurationSet': { Name: string };
  'AWS::SES::ConfigurationSetEventDestination': {
    ConfigurationSetName: unknown;
    EventDestination: {
      Enabled: boolean;
      MatchingEventTypes: string[];
      EventBridgeDestination: { EventBusArn: unknown };
    };
  };
}

/** The template's resources of one type, by logical id, with that type's properties. */
const ofType = <T extends keyof ResourceProperties>(template: Template, type: T) =>
  Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties as unknown as ResourceProperties[T]] as const);

const templates = new Map<string, Template>();
const outRoot = mkdtempSync(join(tmpdir(), 'charter-package-'));

/** The contract's routes, by service key. */
const CONTRACT_ROUTES: Record<string, string[]> = {
  bus: [
    'POST /partners/{partner}/bookings',
    'PUT /partners/{partner}/bookings/{booking_id}',
    'POST /partners/{partner}/bookings/{booking_id}/cancel',
  ],
  'guest-pages': ['POST /g/presign', 'GET /bookings/{booking_id}/guest-page'],
  scc: [
    'POST /events',
    'GET /events',
    'GET /events/{event_id}',
    'PATCH /events/{event_id}',
    'GET /crew/{event_id}',
    'POST /crew/{event_id}/confirm',
    'POST /crew/{event_id}/decline',
    'POST /events/{event_id}/crew/{member_id}/resend',
    'PUT /crew',
  ],
  calendar: ['POST /calendar/entries', 'GET /calendar/entries'],
  notifications: [],
  ops: ['GET /ops/bookings', 'GET /ops/bookings/{booking_id}', 'GET /ops/health', 'GET /ops/dead-letters'],
};

/** Who consumes what on the bus: [detail-type, source pattern]. */
const CONTRACT_SUBSCRIPTIONS: Record<string, Array<[string, unknown]>> = {
  bus: [],
  'guest-pages': bookingDetailTypes.map((type) => [type, { prefix: 'partner.' }]),
  scc: bookingDetailTypes.map((type) => [type, { prefix: 'partner.' }]),
  calendar: bookingDetailTypes.map((type) => [type, { prefix: 'partner.' }]),
  notifications: [
    ['EventCreated', 'charter.scc'],
    ['EventUpdated', 'charter.scc'],
    ['EventCancelled', 'charter.scc'],
    ['CrewDeclined', 'charter.scc'],
    ['CrewResendRequested', 'charter.scc'],
    ['CalendarUpdated', 'charter.calendar'],
  ],
};

const resourcesOf = <T extends keyof ResourceProperties>(service: string, type: T) =>
  ofType(templates.get(service)!, type);

beforeAll(async () => {
  // Two at a time: each `sls package` runs esbuild and wants a core.
  const queue = serviceDirs();
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const file = await packageService(next.dir, 'ci', join(outRoot, next.key));
      templates.set(next.key, JSON.parse(readFileSync(file, 'utf8')) as Template);
    }
  };
  await Promise.all([worker(), worker()]);
}, 240_000);
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe('sls package --stage ci (offline, no AWS credentials)', () => {
  it('packages all six services of the design card', () => {
    expect([...templates.keys()].sort()).toEqual(['bus', 'calendar', 'guest-pages', 'notifications', 'ops', 'scc']);
  });

  it('creates the bus charter-bookings-ci with an archive for replay', () => {
    const [bus] = resourcesOf('bus', 'AWS::Events::EventBus');
    expect(bus?.[1].Name).toBe('charter-bookings-ci');
    const [archive] = resourcesOf('bus', 'AWS::Events::Archive');
    expect(archive?.[1].SourceArn).toEqual({ 'Fn::GetAtt': ['EventBus', 'Arn'] });
    expect(archive?.[1].RetentionDays).toBeGreaterThan(0);
  });

  it('lets each configured partner account put only its booking events, with source partner.<its name>', () => {
    const policies = resourcesOf('bus', 'AWS::Events::EventBusPolicy').map(([, p]) => p);
    expect(policies.map((p) => String(p.Statement.Condition.StringEquals['events:source'])).sort()).toEqual([
      'partner.boatsetter',
      'partner.getmyboat',
    ]);
    for (const policy of policies) {
      expect(policy.Statement).toMatchObject({
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: { AWS: expect.stringMatching(/^arn:aws:iam::\d{12}:root$/) as unknown },
      });
      // The partner's own source and the three booking events, nothing more (no other condition loosens it).
      const source = policy.Statement.Condition.StringEquals['events:source'];
      expect(policy.Statement.Condition).toEqual({
        StringEquals: { 'events:source': source, 'events:detail-type': [...bookingDetailTypes] },
      });
    }
  });

  it.each(Object.keys(CONTRACT_ROUTES))('%s exposes exactly the contract routes', (service) => {
    const routes = resourcesOf(service, 'AWS::ApiGatewayV2::Route').map(([, p]) => p.RouteKey);
    expect(routes.sort()).toEqual([...CONTRACT_ROUTES[service]!].sort());
  });

  it.each(Object.keys(CONTRACT_SUBSCRIPTIONS))(
    '%s subscribes on the bus to what the contract says it consumes',
    (service) => {
      const rules = resourcesOf(service, 'AWS::Events::Rule').filter(([, p]) => p.EventPattern);
      const subscriptions = rules.flatMap(([, p]) => {
        type Pattern = Exclude<(typeof p)['EventPattern'], string | undefined>;
        const pattern = typeof p.EventPattern === 'string' ? (JSON.parse(p.EventPattern) as Pattern) : p.EventPattern!;
        // Rules sit on the bus (by the imported name), never on the default bus.
        expect(JSON.stringify(p.EventBusName)).toContain('charter-bus-ci-EventBus');
        return pattern['detail-type'].map((type) => [type, pattern.source[0]]);
      });
      expect(subscriptions.sort()).toEqual([...CONTRACT_SUBSCRIPTIONS[service]!].sort());
    },
  );

  it.each(Object.keys(CONTRACT_ROUTES))(
    '%s gives every rule target a dead-letter queue and a retry policy, and lets only its own rules send there',
    (service) => {
      const rules = resourcesOf(service, 'AWS::Events::Rule');
      // Every rule of every service, schedules included: EventBridge drops an event it cannot deliver otherwise.
      for (const [id, rule] of rules) {
        for (const target of rule.Targets) {
          expect({ id, dlq: target.DeadLetterConfig?.Arn }).toEqual({
            id,
            dlq: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
          });
          const policy = target.RetryPolicy ?? {};
          expect({ id, age: policy.MaximumEventAgeInSeconds }).toEqual({ id, age: expect.any(Number) as unknown });
          expect(policy.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(60);
          expect(policy.MaximumEventAgeInSeconds).toBeLessThanOrEqual(86_400);
          expect(policy.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
          expect(policy.MaximumRetryAttempts).toBeLessThanOrEqual(185);
        }
      }
      // The queue lets EventBridge send only for this service's rules: their exact ARNs (on the bus, or the default
      // bus for schedules and SES), as the template names each rule.
      const ruleArns = rules
        .map(([, rule]) => {
          const bus = rule.EventBusName === undefined ? '' : 'charter-bookings-ci/';
          expect(JSON.stringify(rule.EventBusName ?? 'default')).toMatch(/default|charter-bus-ci-EventBusName/);
          return `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${bus}${rule.Name}`;
        })
        .sort();
      const statements = resourcesOf(service, 'AWS::SQS::QueuePolicy')
        .filter(([, p]) => JSON.stringify(p.Queues) === JSON.stringify([{ Ref: 'DeadLetterQueue' }]))
        .flatMap(([, p]) => p.PolicyDocument.Statement)
        .filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'events.amazonaws.com' }));
      if (rules.length === 0) {
        expect(statements).toEqual([]);
        return;
      }
      expect(statements).toHaveLength(1);
      const [statement] = statements;
      expect(statement).toMatchObject({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
      });
      const allowed = (statement!.Condition?.ArnEquals?.['aws:SourceArn'] ?? []).map((arn) =>
        typeof arn === 'object' && arn && 'Fn::Sub' in arn ? String(arn['Fn::Sub']) : JSON.stringify(arn),
      );
      expect(allowed.sort()).toEqual(ruleArns);
    },
  );

  it.each(Object.keys(CONTRACT_ROUTES))(
    '%s gives every bus consumer two retries and an on-failure queue',
    (service) => {
      const consumers = new Set(
        resourcesOf(service, 'AWS::Events::Rule')
          .filter(([, p]) => p.EventPattern)
          .flatMap(([, p]) => p.Targets.map((t) => t.Arn['Fn::GetAtt'][0])),
      );
      const configs = resourcesOf(service, 'AWS::Lambda::EventInvokeConfig').map(([, p]) => p);
      for (const fn of consumers) {
        const config = configs.find((c) => c.FunctionName.Ref === fn);
        expect({ fn, retries: config?.MaximumRetryAttempts }).toEqual({ fn, retries: 2 });
        expect(config?.DestinationConfig?.OnFailure?.Destination).toEqual({ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] });
      }
    },
  );

  describe.each(Object.keys(CONTRACT_ROUTES))('%s IAM', (service) => {
    const statements = () =>
      resourcesOf(service, 'AWS::IAM::Role').flatMap(([role, p]) =>
        (p.Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement.map((s) => ({ role, ...s }))),
      );

    it('gives each function its own role', () => {
      const functions = resourcesOf(service, 'AWS::Lambda::Function');
      const roles = new Set(functions.map(([, f]) => JSON.stringify(f.Role)));
      expect(roles.size).toBe(functions.length);
    });

    it('grants no wildcard action and no wildcard resource', () => {
      for (const s of statements()) {
        for (const action of [s.Action].flat()) {
          const wildcard = expect.stringMatching(/(^\*$|:\*$)/) as unknown;
          expect({ role: s.role, action }).not.toEqual({ role: s.role, action: wildcard });
        }
        for (const resource of [s.Resource].flat()) {
          expect({ role: s.role, action: s.Action, resource }).not.toEqual({
            role: s.role,
            action: s.Action,
            resource: '*',
          });
        }
      }
    });
  });
});

/** What each service may put on the bus (events:source): its own source from the catalog; the intake partners' too. */
const OWN_SOURCES: Record<string, string[]> = {
  bus: ['partner.*', 'charter.bus'],
  'guest-pages': ['charter.guest-pages'],
  scc: ['charter.scc'],
  calendar: ['charter.calendar'],
  notifications: ['charter.notifications'],
  ops: [],
};

/** The routes a stranger can reach without a key (a signature, an upload token or a magic link guards them). */
const STRANGERS_ROUTES: Record<string, string[]> = {
  bus: CONTRACT_ROUTES.bus!,
  'guest-pages': ['POST /g/presign'],
  scc: ['GET /crew/{event_id}', 'POST /crew/{event_id}/confirm', 'POST /crew/{event_id}/decline'],
};

/** Each function of a service: its logical id, properties, role statements, and what invokes it. */
function functionsOf(service: string) {
  const template = templates.get(service)!;
  const roles = new Map(ofType(template, 'AWS::IAM::Role'));
  const integrations = new Map(ofType(template, 'AWS::ApiGatewayV2::Integration'));
  const routes = ofType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => ({
    routeKey: r.RouteKey,
    fn: integrations.get(r.Target['Fn::Join'][1][1].Ref)!.IntegrationUri['Fn::GetAtt'][0],
  }));
  const ruleTargets = ofType(template, 'AWS::Events::Rule').flatMap(([, r]) =>
    r.Targets.map((t) => t.Arn['Fn::GetAtt'][0]),
  );
  const invokeConfigs = ofType(template, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => c.FunctionName.Ref);
  return ofType(template, 'AWS::Lambda::Function').map(([id, fn]) => {
    const roleId = (fn.Role as GetAtt)['Fn::GetAtt'][0];
    const statements = (roles.get(roleId)?.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement);
    return {
      id,
      fn,
      statements,
      routes: routes.filter((r) => r.fn === id).map((r) => r.routeKey),
      onTheBus: ruleTargets.includes(id),
      hasInvokeConfig: invokeConfigs.includes(id),
    };
  });
}

const actionsOf = (s: IamStatement) => [s.Action].flat();
const allows = (s: IamStatement, prefix: string) => actionsOf(s).some((a) => a.startsWith(prefix));

describe.each(Object.keys(CONTRACT_ROUTES))('%s: least privilege that holds', (service) => {
  it('puts events on the bus only with its own source (the events:source condition)', () => {
    const catalogSources = new Set<string>(Object.values(eventCatalog).map((e) => e.source));
    expect(OWN_SOURCES[service]!.filter((source) => !catalogSources.has(source))).toEqual([]);
    const used = new Set<string>();
    for (const { id, statements } of functionsOf(service)) {
      for (const s of statements.filter((st) => allows(st, 'events:PutEvents'))) {
        const sources = [
          s.Condition?.StringEquals?.['events:source'] ?? [],
          s.Condition?.StringLike?.['events:source'] ?? [],
        ].flat();
        expect({ id, sources: sources.length > 0 }).toEqual({ id, sources: true });
        for (const source of sources) {
          expect({ id, source, own: OWN_SOURCES[service]!.includes(source) }).toEqual({ id, source, own: true });
          used.add(source);
        }
      }
    }
    expect([...used].sort()).toEqual([...OWN_SOURCES[service]!].sort());
  });

  it('sends email only from its sender address (the ses:FromAddress condition)', () => {
    for (const { id, fn, statements } of functionsOf(service)) {
      for (const s of statements.filter((st) => allows(st, 'ses:'))) {
        const from = s.Condition?.StringEquals?.['ses:FromAddress'];
        expect({ id, from }).toEqual({ id, from: fn.Environment?.Variables?.SENDER_ADDRESS });
        expect(from).toEqual(expect.stringMatching(/^[^@\s]+@[^@\s]+$/));
      }
    }
  });

  it("names each secret exactly: its own stack's by Ref, another's by an ARN ending in -??????, never -*", () => {
    const resources = templates.get(service)!.Resources;
    for (const { id, statements } of functionsOf(service)) {
      for (const s of statements.filter((st) => allows(st, 'secretsmanager:'))) {
        for (const resource of [s.Resource].flat() as Array<{ Ref?: string; 'Fn::Sub'?: string }>) {
          if (resource.Ref) {
            expect({ id, type: resources[resource.Ref]?.Type }).toEqual({ id, type: 'AWS::SecretsManager::Secret' });
          } else {
            expect({ id, arn: resource['Fn::Sub'] }).toEqual({
              id,
              arn: expect.stringMatching(/:secret:charter\/ci\/[^*]*\*?[^*]*-\?{6}$/) as unknown,
            });
          }
        }
      }
    }
  });

  it('gives a function behind routes only no asynchronous retry settings and no right to send to a queue', () => {
    for (const { id, routes, onTheBus, hasInvokeConfig, statements } of functionsOf(service)) {
      if (routes.length === 0 || onTheBus) continue;
      expect({ id, hasInvokeConfig }).toEqual({ id, hasInvokeConfig: false });
      // SendMessage is what an onFailure destination needs; reading a queue (ops' dead-letter list) is a route's own.
      expect({ id, send: statements.filter((s) => allows(s, 'sqs:SendMessage')) }).toEqual({ id, send: [] });
    }
  });
});

/** The files a zip holds (`unzip`, or Python's zipfile where the machine has no unzip). */
function zipEntries(zip: string): string[] {
  try {
    return execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    const script = 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))';
    return execFileSync('python3', ['-c', script, zip], { encoding: 'utf8' }).split('\n').filter(Boolean);
  }
}

describe('each function packaged on its own (issue 17)', () => {
  /** Per function: its zip in the package folder and the handler bundle Lambda loads from it. */
  const artifactsOf = (service: string) =>
    resourcesOf(service, 'AWS::Lambda::Function').map(([id, f]) => ({
      id,
      zip: join(outRoot, service, f.Code.S3Key.split('/').pop()!),
      bundle: `${f.Handler.replace(/\.[^.]+$/, '')}.js`,
      environment: f.Environment?.Variables ?? {},
    }));

  it.each(Object.keys(CONTRACT_ROUTES))('%s has one zip per function, holding its handler bundle alone', (service) => {
    const artifacts = artifactsOf(service);
    expect(new Set(artifacts.map((a) => a.zip)).size).toBe(artifacts.length);
    const zips = readdirSync(join(outRoot, service)).filter((f) => f.endsWith('.zip'));
    expect(zips).toHaveLength(artifacts.length);
    for (const { id, zip, bundle } of artifacts)
      expect({ id, files: zipEntries(zip) }).toEqual({ id, files: [bundle] });
  });

  it.each(Object.keys(CONTRACT_ROUTES))('%s keeps every source map beside the zips, none inside', (service) => {
    for (const { id, zip, bundle, environment } of artifactsOf(service)) {
      expect({ id, maps: zipEntries(zip).filter((f) => f.endsWith('.map')) }).toEqual({ id, maps: [] });
      const fn = zip
        .split('/')
        .pop()!
        .replace(/\.zip$/, '');
      const map = join(outRoot, service, 'source-maps', fn, `${bundle.split('/').pop()!}.map`);
      expect({ id, map: existsSync(map) }).toEqual({ id, map: true });
      // The zip holds no map: nothing at start-up should look for one.
      expect({ id, nodeOptions: JSON.stringify(environment.NODE_OPTIONS ?? '') }).not.toEqual({
        id,
        nodeOptions: expect.stringContaining('--enable-source-maps') as unknown,
      });
    }
  });

  it.each(Object.keys(CONTRACT_ROUTES))('%s: every function zip is under 400 KB', (service) => {
    for (const { id, zip } of artifactsOf(service)) {
      const kb = Math.ceil(statSync(zip).size / 1024);
      expect({ id, kb, under400: kb < 400 }).toEqual({ id, kb, under400: true });
    }
  });
});

describe('scc: table access scoped by item kind', () => {
  const leadingKeys = (s: IamStatement) => s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];

  it('scopes every statement on the crew events table by partition key (dynamodb:LeadingKeys)', () => {
    for (const { id, statements } of functionsOf('scc')) {
      for (const s of statements.filter((st) => allows(st, 'dynamodb:'))) {
        expect({ id, keys: leadingKeys(s) }).toEqual({
          id,
          keys: expect.arrayContaining([expect.any(String)]) as unknown,
        });
        expect(Object.keys(s.Condition!)).toEqual(['ForAllValues:StringLike']);
      }
    }
  });

  it('lets a magic link reach crew events only: never the roster (every email) or the booking lookup', () => {
    const crew = functionsOf('scc').filter((f) => f.routes.some((r) => STRANGERS_ROUTES.scc!.includes(r)));
    expect(crew).toHaveLength(3);
    for (const { id, statements } of crew) {
      const keys = statements
        .filter((s) => allows(s, 'dynamodb:'))
        .flatMap((s) => [leadingKeys(s) ?? ['(any)']].flat());
      expect({ id, keys: [...new Set(keys)] }).toEqual({ id, keys: ['EVENT#*'] });
    }
  });

  it('lets only PUT /crew write the roster, and the booking events read it', () => {
    const rosterWriters = functionsOf('scc').filter(({ statements }) =>
      statements.some(
        (s) => [leadingKeys(s) ?? []].flat().includes('ROSTER') && actionsOf(s).some((a) => a !== 'dynamodb:GetItem'),
      ),
    );
    expect(rosterWriters.map((f) => f.routes)).toEqual([['PUT /crew']]);
  });
});

describe('throttled routes and reserved concurrency', () => {
  const stageOf = (service: string) => {
    const [[, stage]] = resourcesOf(service, 'AWS::ApiGatewayV2::Stage') as [
      [string, ResourceProperties['AWS::ApiGatewayV2::Stage']],
    ];
    return { stage, dependsOn: [templates.get(service)!.Resources.HttpApiStage!.DependsOn ?? []].flat() as string[] };
  };
  const withRoutes = Object.keys(CONTRACT_ROUTES).filter((service) => CONTRACT_ROUTES[service]!.length > 0);

  it.each(withRoutes)('%s throttles every route (the stage default)', (service) => {
    const { DefaultRouteSettings: defaults } = stageOf(service).stage;
    expect(defaults?.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(defaults?.ThrottlingBurstLimit).toBeGreaterThan(0);
  });

  it.each(Object.keys(STRANGERS_ROUTES))('%s throttles the routes strangers reach tighter than the rest', (service) => {
    const { stage, dependsOn } = stageOf(service);
    const defaults = stage.DefaultRouteSettings!;
    const routeIds = new Map(resourcesOf(service, 'AWS::ApiGatewayV2::Route').map(([id, r]) => [r.RouteKey, id]));
    expect(Object.keys(stage.RouteSettings ?? {}).sort()).toEqual([...STRANGERS_ROUTES[service]!].sort());
    for (const route of STRANGERS_ROUTES[service]!) {
      const settings = stage.RouteSettings![route]!;
      expect(settings.ThrottlingRateLimit).toBeLessThan(defaults.ThrottlingRateLimit!);
      expect(settings.ThrottlingBurstLimit).toBeLessThan(defaults.ThrottlingBurstLimit!);
      expect(settings.ThrottlingRateLimit).toBeGreaterThan(0);
      // A stage naming a route that does not exist yet fails to deploy: the stage waits for it.
      expect(dependsOn).toContain(routeIds.get(route));
    }
  });

  it.each(Object.keys(STRANGERS_ROUTES))(
    "%s never lets through a burst the function's reserved environments cannot take (Lambda's throttle is a 5xx)",
    (service) => {
      const { stage } = stageOf(service);
      for (const { id, fn, routes } of functionsOf(service)) {
        const bursts = routes.map(
          (r) => (stage.RouteSettings?.[r] ?? stage.DefaultRouteSettings!).ThrottlingBurstLimit ?? Infinity,
        );
        if (fn.ReservedConcurrentExecutions === undefined || bursts.length === 0) continue;
        const together = bursts.reduce((a, b) => a + b, 0);
        expect({ id, together, fits: together <= fn.ReservedConcurrentExecutions }).toEqual({
          id,
          together,
          fits: true,
        });
      }
    },
  );

  it.each(Object.keys(CONTRACT_ROUTES))(
    '%s reserves concurrency for each bus consumer and caps each function strangers reach',
    (service) => {
      for (const { id, fn, routes, onTheBus } of functionsOf(service)) {
        const bus =
          onTheBus &&
          resourcesOf(service, 'AWS::Events::Rule').some(
            ([, r]) => r.EventPattern && r.Targets.some((t) => t.Arn['Fn::GetAtt'][0] === id),
          );
        const strangers = routes.some((r) => STRANGERS_ROUTES[service]?.includes(r));
        if (!bus && !strangers) continue;
        expect({ id, reserved: fn.ReservedConcurrentExecutions }).toEqual({
          id,
          reserved: expect.any(Number) as unknown,
        });
        expect(fn.ReservedConcurrentExecutions).toBeGreaterThan(0);
      }
    },
  );
});

describe('notifications sends with what ops defines', () => {
  const notificationsRole = (fn: string) => {
    const template = templates.get('notifications')!;
    const role = template.Resources[`${fn}IamRoleLambdaExecution`]!.Properties as ResourceProperties['AWS::IAM::Role'];
    return (role.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement);
  };

  it.each(['OnSuccessEvent', 'CheckStalls'])(
    "%s names ops' SES configuration set on every message, and may send with it",
    (fn) => {
      const [[, set]] = ofType(templates.get('ops')!, 'AWS::SES::ConfigurationSet') as [[string, { Name: string }]];
      const lambda = templates.get('notifications')!.Resources[`${fn}LambdaFunction`]!
        .Properties as ResourceProperties['AWS::Lambda::Function'];
      expect(lambda.Environment?.Variables?.CREW_MAIL_CONFIGURATION_SET).toBe(set.Name);
      const sendEmail = notificationsRole(fn).find((s) => [s.Action].flat().includes('ses:SendEmail'));
      expect(JSON.stringify(sendEmail?.Resource)).toContain(`:configuration-set/${set.Name}`);
      expect(JSON.stringify(sendEmail?.Resource)).toContain(':identity/');
      // Alerts link ops' console: its export, when deployed alone (compose passes the output itself).
      expect(lambda.Environment?.Variables?.OPS_CONSOLE_URL).toEqual({
        'Fn::ImportValue': 'charter-ops-ci-ConsoleUrl',
      });
    },
  );
});

describe('ops: what it hears, and the alarms that reach a person', () => {
  const ops = <T extends keyof ResourceProperties>(type: T) => resourcesOf('ops', type);
  const patterns = () =>
    ops('AWS::Events::Rule')
      .filter(([, p]) => p.EventPattern)
      .map(([, p]) => ({
        bus: p.EventBusName,
        pattern: (typeof p.EventPattern === 'string' ? JSON.parse(p.EventPattern) : p.EventPattern) as {
          source: unknown[];
          'detail-type': string[];
          detail?: unknown;
        },
      }));

  it('hears every detail-type of the catalog on the bus: partner.* booking events, charter.* service events', () => {
    const onTheBus = patterns().filter((r) => JSON.stringify(r.bus ?? '').includes('charter-bus-ci-EventBus'));
    const bySource = Object.fromEntries(
      onTheBus.map((r) => [JSON.stringify(r.pattern.source), r.pattern['detail-type']]),
    );
    expect(Object.keys(bySource).sort()).toEqual(['[{"prefix":"charter."}]', '[{"prefix":"partner."}]']);
    expect([...bySource['[{"prefix":"partner."}]']!].sort()).toEqual([...bookingDetailTypes].sort());
    const serviceTypes = detailTypes.filter((t) => !(bookingDetailTypes as readonly string[]).includes(t));
    expect([...bySource['[{"prefix":"charter."}]']!].sort()).toEqual([...serviceTypes].sort());
  });

  it("hears SES's email events on the default bus (SES publishes nowhere else), for its own configuration set", () => {
    const ses = patterns().filter((r) => r.bus === undefined);
    expect(ses.map((r) => r.pattern)).toEqual([
      {
        source: ['aws.ses'],
        'detail-type': ['Email Bounced', 'Email Complaint Received', 'Email Rejected', 'Email Delivered'],
        detail: { mail: { tags: { 'ses:configuration-set': ['charter-crew-mail-ci'] } } },
      },
    ]);
    const [[setId, set]] = ops('AWS::SES::ConfigurationSet') as [[string, { Name: string }]];
    expect(set.Name).toBe('charter-crew-mail-ci');
    const [[, destination]] = ops('AWS::SES::ConfigurationSetEventDestination') as [
      [string, ResourceProperties['AWS::SES::ConfigurationSetEventDestination']],
    ];
    expect(destination.ConfigurationSetName).toEqual({ Ref: setId });
    expect(destination.EventDestination).toMatchObject({
      Enabled: true,
      MatchingEventTypes: ['bounce', 'complaint', 'reject', 'delivery'],
    });
    expect(JSON.stringify(destination.EventDestination.EventBridgeDestination.EventBusArn)).toContain(
      ':event-bus/default',
    );
  });

  it("has the topic charter-ops-alerts-<stage>, with the operator's address subscribed", () => {
    const [[topicId, topic]] = ops('AWS::SNS::Topic') as [[string, { TopicName: string }]];
    expect(topic.TopicName).toBe('charter-ops-alerts-ci');
    expect(ops('AWS::SNS::Subscription').map(([, s]) => s)).toEqual([
      { TopicArn: { Ref: topicId }, Protocol: 'email', Endpoint: 'ops-alerts@example.com' },
    ]);
  });

  it("alarms on every service's dead-letter queue and every function's errors, each to the topic", () => {
    const alarms = ops('AWS::CloudWatch::Alarm').map(([, a]) => a);
    for (const alarm of alarms) {
      expect({ alarm: alarm.AlarmName, actions: alarm.AlarmActions }).toEqual({
        alarm: alarm.AlarmName,
        actions: [{ Ref: 'AlertTopic' }],
      });
      expect([alarm.Threshold, alarm.ComparisonOperator]).toEqual([0, 'GreaterThanThreshold']);
      expect(JSON.stringify(alarm.AlarmDescription)).toContain('/console');
    }
    const watched = (namespace: string, metric: string) =>
      alarms
        .filter((a) => a.Namespace === namespace && a.MetricName === metric)
        .map((a) => a.Dimensions?.[0]?.Value)
        .sort();
    const queues = [...templates.values()].flatMap((t) => ofType(t, 'AWS::SQS::Queue').map(([, q]) => q.QueueName));
    const functions = [...templates.values()].flatMap((t) =>
      ofType(t, 'AWS::Lambda::Function').map(([, f]) => f.FunctionName),
    );
    expect(queues).toHaveLength(6);
    expect(watched('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toEqual(queues.sort());
    expect(watched('AWS/Lambda', 'Errors')).toEqual(functions.sort());
  });

  it("mails the watch's alerts (a silent partner) through a metric filter on its log", () => {
    const [[, filter]] = ops('AWS::Logs::MetricFilter') as [[string, ResourceProperties['AWS::Logs::MetricFilter']]];
    expect(filter.LogGroupName).toBe('/aws/lambda/charter-ops-ci-watch');
    expect(filter.FilterPattern).toBe('{ $.alert = "*" }');
    const alarm = ops('AWS::CloudWatch::Alarm').find(([, a]) => a.Namespace === 'Charter/Ops')?.[1];
    expect(alarm?.MetricName).toBe(filter.MetricTransformations[0]!.MetricName);
  });

  it("reads exactly every service's dead-letter queue, by the names their stacks give them", () => {
    const queues = [...templates.values()].flatMap((t) => ofType(t, 'AWS::SQS::Queue').map(([, q]) => q.QueueName));
    for (const fn of ['WatchLambdaFunction', 'ListDeadLettersLambdaFunction']) {
      const variables = templates.get('ops')!.Resources[fn]!.Properties as ResourceProperties['AWS::Lambda::Function'];
      const names = String(variables.Environment?.Variables?.DEAD_LETTER_QUEUES).split(',');
      expect(names.sort()).toEqual([...queues].sort());
      // What readQueue and releaseMessages call (ChangeMessageVisibilityBatch is allowed by ChangeMessageVisibility).
      const role = (variables.Role as GetAtt)['Fn::GetAtt'][0];
      const allowed = ops('AWS::IAM::Role')
        .filter(([id]) => id === role)
        .flatMap(([, r]) => (r.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement))
        .flatMap((statement) => [statement.Action].flat());
      expect(allowed).toEqual(
        expect.arrayContaining([
          'sqs:GetQueueUrl',
          'sqs:GetQueueAttributes',
          'sqs:ReceiveMessage',
          'sqs:ChangeMessageVisibility',
        ]),
      );
    }
  });
});

/**
 * The local cloud reads serverless.yml itself; this proves it reads it as Serverless does. Both
 * sides are resolved with the same intrinsic resolver and the same (local) endpoints, so any
 * difference is a difference in routes, rules, environment, limits or retry policy.
 */
describe('the local cloud wiring equals what sls package puts into CloudFormation', () => {
  const STAGE = 'ci';
  const base = { stage: STAGE, region: 'us-west-2', accountId: '000000000000' };
  const endpoints = Object.fromEntries(
    Object.entries(DEFAULT_PORTS).map(([k, port]) => [k, `http://127.0.0.1:${port}`]),
  );
  const importable = new Map<string, unknown>();
  const local = { endpoints, distributionEndpoint: distributionEndpointKey, exports: importable };
  const wirings = new Map<string, ServiceWiring>();

  beforeAll(() => {
    // Deployed alone, a service imports the bus's exports; load the bus first, as CloudFormation would.
    for (const { key, dir } of serviceDirs()) {
      const wiring = loadService(dir, { ...base, params: {}, env: {}, local });
      for (const [name, value] of Object.entries(wiring.exports)) importable.set(name, value);
      wirings.set(key, wiring);
    }
  });

  const cloudFormationSide = (service: string) => {
    const template = templates.get(service)!;
    const wiring = wirings.get(service)!;
    const lambdas = new Map(ofType(template, 'AWS::Lambda::Function'));
    const functionNames = new Map([...lambdas].map(([id, p]) => [id, p.FunctionName]));
    const resolver = new IntrinsicResolver(
      template.Resources,
      { ...base, ...local },
      { name: wiring.name, functionNames },
    );
    const resolve = (value: unknown) => localScheme(resolver.resolve(value), endpoints);
    const fnOf = (arn: GetAtt) => functionNames.get(arn['Fn::GetAtt'][0])!;
    const invokeConfigs = ofType(template, 'AWS::Lambda::EventInvokeConfig').map(([, p]) => p);
    const integrations = new Map(ofType(template, 'AWS::ApiGatewayV2::Integration'));
    const functions = [...functionNames].map(([id, name]) => {
      const props = lambdas.get(id)!;
      const config = invokeConfigs.find((c) => c.FunctionName.Ref === id);
      return {
        name,
        environment: Object.fromEntries(
          Object.entries(props.Environment?.Variables ?? {}).map(([k, v]) => [k, String(resolve(v))]),
        ),
        timeoutSeconds: props.Timeout,
        memorySize: props.MemorySize,
        maximumRetryAttempts: config?.MaximumRetryAttempts ?? 2,
        onFailureArn: config?.DestinationConfig?.OnFailure
          ? resolve(config.DestinationConfig.OnFailure.Destination)
          : undefined,
      };
    });
    const routes = ofType(template, 'AWS::ApiGatewayV2::Route').map(([, p]) => {
      const integration = integrations.get(p.Target['Fn::Join'][1][1].Ref)!;
      return { routeKey: p.RouteKey, functionName: fnOf(integration.IntegrationUri) };
    });
    const rules = ofType(template, 'AWS::Events::Rule').map(([, p]) => ({
      // A scheduled rule has no Name in the template (AWS generates one), so only bus rules compare names.
      ...(p.EventPattern ? { name: p.Name } : {}),
      busName: p.EventBusName ? busNameOf(String(resolve(p.EventBusName))) : 'default',
      functionName: fnOf(p.Targets[0]!.Arn),
      ...(p.EventPattern ? { pattern: resolve(p.EventPattern) } : {}),
      ...(p.ScheduleExpression ? { schedule: p.ScheduleExpression } : {}),
      enabled: p.State !== 'DISABLED',
    }));
    const [api] = ofType(template, 'AWS::ApiGatewayV2::Api');
    return {
      functions,
      routes,
      rules,
      cors: resolve(api?.[1].CorsConfiguration) as Record<string, string[]> | undefined,
    };
  };

  const localSide = (service: string) => {
    const wiring = wirings.get(service)!;
    return {
      functions: wiring.functions.map((f) => ({
        name: f.name,
        environment: f.environment,
        timeoutSeconds: f.timeoutSeconds,
        memorySize: f.memorySize,
        maximumRetryAttempts: f.maximumRetryAttempts,
        onFailureArn: f.onFailureArn,
      })),
      routes: wiring.routes.map((r) => ({ routeKey: r.routeKey, functionName: r.functionName })),
      rules: wiring.rules.map((r) => ({
        ...(r.pattern ? { name: r.name } : {}),
        busName: r.busName,
        functionName: r.functionName,
        ...(r.pattern ? { pattern: r.pattern } : {}),
        ...(r.schedule ? { schedule: r.schedule } : {}),
        enabled: r.enabled,
      })),
      cors: wiring.cors,
    };
  };

  const sortKey = (x: { name?: string; routeKey?: string; functionName?: string }) =>
    `${x.name ?? x.routeKey ?? ''}|${x.functionName ?? ''}`;
  const byName = <T extends { name?: string; routeKey?: string; functionName?: string }>(list: T[]) =>
    [...list].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

  it.each(Object.keys(CONTRACT_ROUTES))(
    '%s: functions (environment, timeout, memory, retries, on-failure queue)',
    (service) => {
      expect(byName(localSide(service).functions)).toEqual(byName(cloudFormationSide(service).functions));
    },
  );

  it.each(Object.keys(CONTRACT_ROUTES))('%s: routes and the functions behind them', (service) => {
    expect(byName(localSide(service).routes)).toEqual(byName(cloudFormationSide(service).routes));
  });

  it.each(Object.keys(CONTRACT_ROUTES))('%s: rules (bus, pattern, schedule, target)', (service) => {
    expect(byName(localSide(service).rules)).toEqual(byName(cloudFormationSide(service).rules));
  });

  it.each(Object.keys(CONTRACT_ROUTES))(
    '%s: throttling of each route, reserved concurrency of each function',
    (service) => {
      const template = templates.get(service)!;
      const stage = ofType(template, 'AWS::ApiGatewayV2::Stage')[0]?.[1];
      const throttleOf = (settings: RouteSettings | undefined) =>
        settings?.ThrottlingRateLimit === undefined
          ? undefined
          : { rateLimit: settings.ThrottlingRateLimit, burstLimit: settings.ThrottlingBurstLimit };
      const cloudFormation = {
        routes: Object.fromEntries(
          ofType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => [
            r.RouteKey,
            throttleOf(stage?.RouteSettings?.[r.RouteKey] ?? stage?.DefaultRouteSettings),
          ]),
        ),
        reserved: Object.fromEntries(
          ofType(template, 'AWS::Lambda::Function').map(([, f]) => [f.FunctionName, f.ReservedConcurrentExecutions]),
        ),
      };
      const wiring = wirings.get(service)!;
      expect({
        routes: Object.fromEntries(wiring.routes.map((r) => [r.routeKey, r.throttle])),
        reserved: Object.fromEntries(wiring.functions.map((f) => [f.name, f.reservedConcurrency])),
      }).toEqual(cloudFormation);
    },
  );

  it.each(Object.keys(CONTRACT_ROUTES))('%s: CORS of the HTTP API', (service) => {
    const cf = cloudFormationSide(service).cors;
    const wiring = localSide(service).cors;
    if (!cf) return expect(wiring).toBeUndefined();
    expect({
      allowedOrigins: wiring?.allowedOrigins,
      allowedHeaders: wiring?.allowedHeaders,
      allowedMethods: wiring?.allowedMethods,
    }).toEqual({ allowedOrigins: cf.AllowOrigins, allowedHeaders: cf.AllowHeaders, allowedMethods: cf.AllowMethods });
  });
});

describe('guest-pages: the uploads bucket ages out what guests upload', () => {
  interface LifecycleRule {
    Id: string;
    Status: string;
    Prefix?: string;
    Transitions?: Array<{ StorageClass: string; TransitionInDays: number }>;
    ExpirationInDays?: number;
    AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number };
  }
  const uploadsBucket = () =>
    templates.get('guest-pages')!.Resources.UploadsBucket!.Properties as {
      LifecycleConfiguration?: { Rules: LifecycleRule[] };
    };

  it('moves uploads to STANDARD_IA after 30 days and deletes them after 365 (the stage params’ defaults)', () => {
    const rules = uploadsBucket().LifecycleConfiguration?.Rules ?? [];
    const aging = rules.find((rule) => rule.Transitions || rule.ExpirationInDays);
    expect(aging).toEqual({
      Id: 'guest-uploads-age-out',
      Status: 'Enabled',
      Prefix: 'uploads/',
      Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
      ExpirationInDays: 365,
    });
    // S3 refuses an expiry that is not after the transition.
    expect(aging!.ExpirationInDays).toBeGreaterThan(aging!.Transitions![0]!.TransitionInDays);
  });

  it('aborts incomplete multipart uploads after a day', () => {
    const rules = uploadsBucket().LifecycleConfiguration?.Rules ?? [];
    expect(rules.filter((rule) => rule.AbortIncompleteMultipartUpload)).toEqual([
      { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
  });

  it('gives presign the window and quota settings, and the page’s renderer the same window', () => {
    const variables = (fn: string) =>
      (templates.get('guest-pages')!.Resources[fn]!.Properties as ResourceProperties['AWS::Lambda::Function'])
        .Environment?.Variables ?? {};
    expect(variables('PresignLambdaFunction')).toMatchObject({
      UPLOAD_OPENS_DAYS_BEFORE: '1',
      UPLOAD_GRACE_HOURS: '24',
      UPLOAD_MAX_FILES: '300',
      UPLOAD_MAX_BYTES: '5368709120',
    });
    expect(variables('OnBookingEventLambdaFunction')).toMatchObject({
      UPLOAD_OPENS_DAYS_BEFORE: '1',
      UPLOAD_GRACE_HOURS: '24',
    });
  });
});

describe('CloudFront: no error from the origin is kept (guest pages, the calendar JSON)', () => {
  const distributions = (service: string) =>
    Object.values(templates.get(service)!.Resources)
      .filter((r) => r.Type === 'AWS::CloudFront::Distribution')
      .map((r) => (r.Properties as { DistributionConfig: DistributionConfig }).DistributionConfig);

  const errorTtls = (service: string) => {
    const [config, ...others] = distributions(service);
    expect(others).toEqual([]);
    return Object.fromEntries(
      (config?.CustomErrorResponses ?? []).map((r) => [Number(r.ErrorCode), Number(r.ErrorCachingMinTTL)]),
    );
  };

  it.each(['guest-pages', 'calendar'])(
    '%s: 403, 404 and every 5xx S3 may answer with ErrorCachingMinTTL 0 (else CloudFront keeps it 10 s)',
    (service) => {
      expect(errorTtls(service)).toEqual({ 403: 0, 404: 0, 500: 0, 502: 0, 503: 0, 504: 0 });
    },
  );

  it('ops: every error status CloudFront caches, with ErrorCachingMinTTL 0 (its /ops/* is the API: a 400 too)', () => {
    expect(errorTtls('ops')).toEqual({
      400: 0,
      403: 0,
      404: 0,
      405: 0,
      414: 0,
      500: 0,
      501: 0,
      502: 0,
      503: 0,
      504: 0,
    });
  });
});

/** The ops console's distribution, as far as the test below reads it. */
interface ConsoleSiteConfig {
  DefaultRootObject?: string;
  Origins: Array<{ Id: string; DomainName: unknown; OriginAccessControlId?: unknown; CustomOriginConfig?: object }>;
  DefaultCacheBehavior: { TargetOriginId: string; ResponseHeadersPolicyId?: unknown };
  CacheBehaviors: Array<Record<string, unknown>>;
}
interface HeadersPolicyConfig {
  SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: string }; FrameOptions: unknown };
  CustomHeadersConfig: { Items: unknown[] };
}

describe('ops: the console is a static site, served with its API on one origin (no function)', () => {
  const ops = () => templates.get('ops')!;
  const byType = (type: string) => Object.entries(ops().Resources).filter(([, r]) => r.Type === type);
  /** The one resource of a type (of a logical id, if given): the test fails if there is none or more than one. */
  const one = (type: string, logicalId?: string): [string, CloudResource] => {
    const found = byType(type).filter(([id]) => logicalId === undefined || id === logicalId);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const distribution = () => {
    const [id, resource] = one('AWS::CloudFront::Distribution');
    return { id, config: (resource.Properties as { DistributionConfig: ConsoleSiteConfig }).DistributionConfig };
  };

  it('serves the site bucket through origin access control, and /ops/* from the ops HTTP API, uncached', () => {
    const { config } = distribution();
    const origins = Object.fromEntries(config.Origins.map((o) => [o.Id, o]));
    expect(origins.site).toMatchObject({
      DomainName: { 'Fn::GetAtt': ['SiteBucket', 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': ['OpsSiteOriginAccessControl', 'Id'] },
    });
    expect(origins.api).toMatchObject({
      DomainName: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] }] }] },
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only' },
    });
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe('site');
    expect(config.DefaultRootObject).toBe('console');
    expect(config.CacheBehaviors).toEqual([
      expect.objectContaining({
        PathPattern: '/ops/*',
        TargetOriginId: 'api',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // CachingDisabled
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // AllViewerExceptHostHeader
      }),
    ]);
    // Every ops route the page reads is under /ops/, so it reaches them on its own origin.
    expect(CONTRACT_ROUTES.ops!.every((route) => route.startsWith('GET /ops/'))).toBe(true);
  });

  it("sends the page's CSP and security headers with every file of the site, and with nothing of the API", () => {
    const { config } = distribution();
    const [policyId, policy] = one('AWS::CloudFront::ResponseHeadersPolicy');
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    expect(config.CacheBehaviors[0]!.ResponseHeadersPolicyId).toBeUndefined();
    const headers = (policy.Properties as { ResponseHeadersPolicyConfig: HeadersPolicyConfig })
      .ResponseHeadersPolicyConfig;
    const csp = headers.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    expect(csp.split(/;\s*/).sort()).toEqual(
      [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        'img-src data:',
        "connect-src 'self'",
        "form-action 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ].sort(),
    );
    expect(headers.SecurityHeadersConfig.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.CustomHeadersConfig.Items).toEqual([
      { Header: 'X-Robots-Tag', Value: 'noindex, nofollow', Override: true },
    ]);
  });

  it('lets only this distribution read the site bucket, which is private', () => {
    const { id } = distribution();
    const [, bucket] = one('AWS::S3::Bucket', 'SiteBucket');
    expect(bucket.Properties).toMatchObject({
      BucketName: 'charter-ops-site-ci',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    const [, policy] = one('AWS::S3::BucketPolicy', 'SiteBucketPolicy');
    const { PolicyDocument } = policy.Properties as { PolicyDocument: { Statement: unknown[] } };
    expect(PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' }),
    ]);
    expect(JSON.stringify(PolicyDocument)).toContain(JSON.stringify({ Ref: id }));
  });

  it('links the console at the distribution (alarms, the exported ConsoleUrl), and no function serves a page', () => {
    const { id } = distribution();
    const outputs = (ops() as Template & { Outputs: Record<string, { Value: unknown }> }).Outputs;
    const url = JSON.stringify(outputs.ConsoleUrl!.Value);
    expect(url).toContain(JSON.stringify({ 'Fn::GetAtt': [id, 'DomainName'] }));
    expect(url).toContain('/console');
    for (const [, alarm] of byType('AWS::CloudWatch::Alarm'))
      expect(JSON.stringify(alarm.Properties)).toContain(JSON.stringify({ 'Fn::GetAtt': [id, 'DomainName'] }));
    const handlers = byType('AWS::Lambda::Function').map(([, f]) => (f.Properties as { Handler: string }).Handler);
    expect(handlers.filter((h) => /console/.test(h))).toEqual([]);
  });
});
