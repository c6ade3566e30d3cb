/**
 * `sls package --stage ci` for every service, offline, and the CloudFormation it writes read
 * against ../shared/ARCHITECTURE.md: the bus and who may publish on it, each service's rules
 * and routes, and each function's IAM role granting only what it uses.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PORTS } from '@charter/local/cloud';
import {
  busNameOf,
  distributionEndpointKey,
  IntrinsicResolver,
  loadService,
  localScheme,
  type CloudResource,
  type ServiceWiring,
} from '@charter/local/definitions';
import { packageService, serviceDirs } from '../scripts/package-all';

type Template = {
  Resources: Record<string, { Type: string; Properties: any; DependsOn?: unknown }>;
  Outputs?: Record<string, any>;
};
const templates = new Map<string, Template>();
const outRoot = mkdtempSync(join(tmpdir(), 'charter-package-'));

/** The contract's routes, by service key. */
const CONTRACT_ROUTES: Record<string, string[]> = {
  bus: ['POST /partners/{partner}/bookings'],
  'guest-pages': ['POST /g/presign', 'GET /bookings/{booking_id}/guest-page'],
  scc: [
    'POST /events',
    'GET /events',
    'GET /events/{event_id}',
    'PATCH /events/{event_id}',
    'GET /crew/{event_id}',
    'POST /crew/{event_id}/confirm',
    'PUT /crew',
  ],
  calendar: ['POST /calendar/entries', 'GET /calendar/entries'],
  notifications: [],
};

/** Who consumes what on the bus: [detail-type, source pattern]. */
const CONTRACT_SUBSCRIPTIONS: Record<string, Array<[string, unknown]>> = {
  bus: [],
  'guest-pages': [['BookingCreated', { prefix: 'partner.' }]],
  scc: [['BookingCreated', { prefix: 'partner.' }]],
  calendar: [['BookingCreated', { prefix: 'partner.' }]],
  notifications: [
    ['EventCreated', 'charter.scc'],
    ['CalendarUpdated', 'charter.calendar'],
  ],
};

const resourcesOf = (service: string, type: string) =>
  Object.entries(templates.get(service)!.Resources).filter(([, r]) => r.Type === type);

beforeAll(async () => {
  // Two at a time: each `sls package` runs esbuild and wants a core.
  const queue = serviceDirs();
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const file = await packageService(next.dir, 'ci', join(outRoot, next.key));
      templates.set(next.key, JSON.parse(readFileSync(file, 'utf8')));
    }
  };
  await Promise.all([worker(), worker()]);
}, 240_000);
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe('sls package --stage ci (offline, no AWS credentials)', () => {
  it('packages all five services of the design card', () => {
    expect([...templates.keys()].sort()).toEqual(['bus', 'calendar', 'guest-pages', 'notifications', 'scc']);
  });

  it('creates the bus charter-bookings-ci with an archive for replay', () => {
    const [[, bus]] = resourcesOf('bus', 'AWS::Events::EventBus') as [[string, any]];
    expect(bus.Properties.Name).toBe('charter-bookings-ci');
    const [[, archive]] = resourcesOf('bus', 'AWS::Events::Archive') as [[string, any]];
    expect(archive.Properties.SourceArn).toEqual({ 'Fn::GetAtt': ['EventBus', 'Arn'] });
    expect(archive.Properties.RetentionDays).toBeGreaterThan(0);
  });

  it('lets each configured partner account put only BookingCreated with source partner.<its name>', () => {
    const policies = resourcesOf('bus', 'AWS::Events::EventBusPolicy').map(([, r]) => r.Properties);
    expect(policies.map((p) => p.Statement.Condition.StringEquals['events:source']).sort()).toEqual([
      'partner.boatsetter',
      'partner.getmyboat',
    ]);
    for (const policy of policies) {
      expect(policy.Statement).toMatchObject({
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: { AWS: expect.stringMatching(/^arn:aws:iam::\d{12}:root$/) },
      });
      expect(policy.Statement.Condition.StringEquals['events:detail-type']).toBe('BookingCreated');
    }
  });

  it.each(Object.keys(CONTRACT_ROUTES))('%s exposes exactly the contract routes', (service) => {
    const routes = resourcesOf(service, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(routes.sort()).toEqual([...CONTRACT_ROUTES[service]!].sort());
  });

  it.each(Object.keys(CONTRACT_SUBSCRIPTIONS))(
    '%s subscribes on the bus to what the contract says it consumes',
    (service) => {
      const rules = resourcesOf(service, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern);
      const subscriptions = rules.map(([, r]) => {
        const pattern =
          typeof r.Properties.EventPattern === 'string'
            ? JSON.parse(r.Properties.EventPattern)
            : r.Properties.EventPattern;
        // Rules sit on the bus (by the imported name), never on the default bus.
        expect(JSON.stringify(r.Properties.EventBusName)).toContain('charter-bus-ci-EventBus');
        return [pattern['detail-type'][0], pattern.source[0]];
      });
      expect(subscriptions.sort()).toEqual([...CONTRACT_SUBSCRIPTIONS[service]!].sort());
    },
  );

  it.each(Object.keys(CONTRACT_ROUTES))(
    '%s gives every bus consumer two retries and an on-failure queue',
    (service) => {
      const consumers = new Set(
        resourcesOf(service, 'AWS::Events::Rule')
          .filter(([, r]) => r.Properties.EventPattern)
          .flatMap(([, r]) => r.Properties.Targets.map((t: any) => t.Arn['Fn::GetAtt'][0] as string)),
      );
      const configs = resourcesOf(service, 'AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties);
      for (const fn of consumers) {
        const config = configs.find((c) => c.FunctionName.Ref === fn);
        expect({ fn, retries: config?.MaximumRetryAttempts }).toEqual({ fn, retries: 2 });
        expect(config.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] });
      }
    },
  );

  describe.each(Object.keys(CONTRACT_ROUTES))('%s IAM', (service) => {
    const statements = () =>
      resourcesOf(service, 'AWS::IAM::Role').flatMap(([role, r]) =>
        (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement.map((s: any) => ({ role, ...s }))),
      );

    it('gives each function its own role', () => {
      const functions = resourcesOf(service, 'AWS::Lambda::Function');
      const roles = new Set(functions.map(([, f]) => JSON.stringify(f.Properties.Role)));
      expect(roles.size).toBe(functions.length);
    });

    it('grants no wildcard action and no wildcard resource', () => {
      for (const s of statements()) {
        for (const action of [s.Action].flat()) {
          expect({ role: s.role, action }).not.toEqual({ role: s.role, action: expect.stringMatching(/(^\*$|:\*$)/) });
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
    const resources = template.Resources;
    const wiring = wirings.get(service)!;
    const functionNames = new Map(
      Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
        .map(([id, r]) => [id, r.Properties.FunctionName as string]),
    );
    const resolver = new IntrinsicResolver(
      resources as Record<string, CloudResource>,
      { ...base, ...local },
      { name: wiring.name, functionNames },
    );
    const resolve = (value: unknown) => localScheme(resolver.resolve(value), endpoints);
    const fnOf = (arn: any) => functionNames.get(arn['Fn::GetAtt'][0])!;
    const invokeConfigs = Object.values(resources)
      .filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig')
      .map((r) => r.Properties);
    const functions = [...functionNames].map(([id, name]) => {
      const props = resources[id]!.Properties;
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
    const routes = Object.values(resources)
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => {
        const integration = resources[r.Properties.Target['Fn::Join'][1][1].Ref]!;
        return { routeKey: r.Properties.RouteKey, functionName: fnOf(integration.Properties.IntegrationUri) };
      });
    const rules = Object.values(resources)
      .filter((r) => r.Type === 'AWS::Events::Rule')
      .map((r) => ({
        // A scheduled rule has no Name in the template (AWS generates one), so only bus rules compare names.
        ...(r.Properties.EventPattern ? { name: r.Properties.Name } : {}),
        busName: r.Properties.EventBusName ? busNameOf(String(resolve(r.Properties.EventBusName))) : 'default',
        functionName: fnOf(r.Properties.Targets[0].Arn),
        ...(r.Properties.EventPattern ? { pattern: resolve(r.Properties.EventPattern) } : {}),
        ...(r.Properties.ScheduleExpression ? { schedule: r.Properties.ScheduleExpression } : {}),
        enabled: r.Properties.State !== 'DISABLED',
      }));
    const api = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Api');
    return {
      functions,
      routes,
      rules,
      cors: resolve(api?.Properties.CorsConfiguration) as Record<string, unknown> | undefined,
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
