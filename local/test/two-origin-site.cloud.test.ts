import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFrontClient, GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ACCOUNT_ID, REGION } from '@charter/local/cloud';
import { distributionEndpointKey, loadService } from '@charter/local/definitions';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { pathPatternMatches } from '../src/servers/cloudfront';

/**
 * A distribution like the ops console's (fixtures/two-origin-site): files from a bucket, put there at provisioning by
 * custom.siteUploads, under a custom response-headers policy; /api/*, /bare/* and /rw/* to the HTTP API.
 */
const fixture = join(__dirname, 'fixtures', 'two-origin-site');
const CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

describe('the local CloudFront with two origins (S3 and the HTTP API) and a custom response-headers policy', () => {
  let cloud: LocalCloud;
  let site: string;
  let s3: S3Client;
  let clock = Date.now();
  const bucket = 'charter-two-origin-site-local';

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: [], run: true, serviceDirs: [fixture], edgeClock: () => clock });
    site = cloud.endpoints.opsSite;
    s3 = new S3Client({ forcePathStyle: true });
  });
  afterAll(async () => {
    s3.destroy();
    await cloud.stop();
  });

  const echo = async (res: Response) => (await res.json()) as Record<string, unknown> & { headers: object };

  it('serves the files siteUploads put in the bucket with their content type, / as the DefaultRootObject', async () => {
    const root = await fetch(`${site}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect(await root.text()).toBe(readFileSync(join(fixture, 'site', 'console.html'), 'utf8'));
    const script = await fetch(`${site}/console.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(await script.text()).toBe(readFileSync(join(fixture, 'site', 'console.js'), 'utf8'));
  });

  it("adds the stack's own headers policy to the bucket's answers, folded CSP with single spaces", async () => {
    const res = await fetch(`${site}/console`);
    const names = [
      'content-security-policy',
      'x-content-type-options',
      'x-frame-options',
      'referrer-policy',
      'strict-transport-security',
      'x-xss-protection',
      'x-robots-tag',
      'content-language',
      'content-disposition',
    ];
    expect(Object.fromEntries(names.map((h) => [h, res.headers.get(h)]))).toEqual({
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
      'x-xss-protection': '1; mode=block',
      'x-robots-tag': 'noindex, nofollow',
      'content-language': 'en',
      'content-disposition': 'inline',
    });
  });

  it("keeps the origin's header where Override is false, replaces it where true", async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'notes.html',
        Body: 'notes',
        ContentType: 'text/html',
        ContentLanguage: 'fr',
        ContentDisposition: 'attachment; filename="notes.html"',
      }),
    );
    const res = await fetch(`${site}/notes.html`);
    expect([res.headers.get('content-language'), res.headers.get('content-disposition')]).toEqual(['fr', 'inline']);
  });

  it('sends a path under /api/* to the API with its query string and headers; the API sees its own host', async () => {
    const res = await fetch(`${site}/api/dead-letters?limit=5&queue=a%20b`, {
      headers: { 'x-dashboard-token': 't0k' },
    });
    expect(res.status).toBe(200);
    const body = await echo(res);
    expect(body).toMatchObject({ method: 'GET', path: '/api/dead-letters', query: 'limit=5&queue=a%20b' });
    expect(body.headers).toMatchObject({ 'x-dashboard-token': 't0k', host: new URL(cloud.endpoints.api).host });
    expect([res.headers.get('x-origin'), res.headers.get('x-cache')]).toEqual(['api', 'Miss from cloudfront']);
    // The headers policy is the default behaviour's only: the API's own x-frame-options stays, no CSP is added.
    expect([res.headers.get('content-security-policy'), res.headers.get('x-frame-options')]).toEqual([
      null,
      'SAMEORIGIN',
    ]);
  });

  it('sends a path outside the pattern (case-sensitive) to the bucket', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'api', Body: 'from the bucket', ContentType: 'text/plain' }),
    );
    const exact = await fetch(`${site}/api`);
    expect([exact.status, await exact.text()]).toEqual([200, 'from the bucket']);
    const upper = await fetch(`${site}/API/dead-letters`);
    expect([upper.status, upper.headers.get('x-origin')]).toEqual([403, null]);
    expect(await upper.text()).toContain('<Code>AccessDenied</Code>');
  });

  it("drops what the viewer's Connection header names, and appends the viewer to its X-Forwarded-For", async () => {
    // fetch refuses to set Connection: a plain node:http request does.
    const body = await new Promise<{ headers: Record<string, string> }>((resolve, reject) => {
      const req = request(
        `${site}/api/hop`,
        {
          headers: {
            connection: 'keep-alive, x-hop',
            'x-hop': 'for the next hop only',
            'x-kept': 'yes',
            'x-forwarded-for': '203.0.113.7',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { headers: Record<string, string> }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(body.headers).toMatchObject({ 'x-kept': 'yes', 'x-forwarded-for': '203.0.113.7, 127.0.0.1' });
    expect(body.headers).not.toHaveProperty('x-hop');
  });

  it('forwards no viewer header and no query string without an origin request policy', async () => {
    const res = await fetch(`${site}/bare/x?limit=5`, { headers: { 'x-dashboard-token': 't0k' } });
    const body = await echo(res);
    expect(body).toMatchObject({ path: '/bare/x', query: '' });
    expect(body.headers).not.toHaveProperty('x-dashboard-token');
  });

  it("refuses a method the behaviour does not allow with CloudFront's 403, and passes one it does", async () => {
    const refused = await fetch(`${site}/api/x`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/not configured to allow the HTTP request method/);
    expect((await fetch(`${site}/console`, { method: 'DELETE' })).status).toBe(403);
    const posted = await fetch(`${site}/rw/things?x=1`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(await echo(posted)).toMatchObject({ method: 'POST', path: '/rw/things', query: 'x=1', body: '{"a":1}' });
    // Allowed by CloudFront, unknown to the API: its 404 is relayed, as an error.
    const deleted = await fetch(`${site}/rw/things`, { method: 'DELETE' });
    expect([deleted.status, deleted.headers.get('x-cache')]).toEqual([404, 'Error from cloudfront']);
  });

  it('keeps a no-cache file for the cache policy MinTTL (1 s) only: a changed file is seen after it', async () => {
    clock += 1_000;
    const get = async () => {
      const res = await fetch(`${site}/console.js`);
      return [res.headers.get('x-cache'), await res.text()];
    };
    const first = readFileSync(join(fixture, 'site', 'console.js'), 'utf8');
    expect(await get()).toEqual(['Miss from cloudfront', first]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'console.js', Body: 'v2', CacheControl: 'no-cache' }));
    expect(await get()).toEqual(['Hit from cloudfront', first]);
    clock += 999;
    expect(await get()).toEqual(['Hit from cloudfront', first]);
    clock += 1;
    expect(await get()).toEqual(['Miss from cloudfront', 'v2']);
  });

  it('describes the behaviours, both origins and the root object in its API as CloudFront does', async () => {
    const distribution = [...cloud.distributions.values()].find((d) => d.wiring.endpointKey === 'opsSite')!;
    const { Distribution } = await new CloudFrontClient({}).send(
      new GetDistributionCommand({ Id: distribution.wiring.id }),
    );
    const config = Distribution!.DistributionConfig!;
    expect(Distribution!.DomainName).toBe(new URL(site).host);
    expect(config.DefaultRootObject).toBe('console');
    expect(config.Origins?.Items?.map((o) => [o.Id, o.DomainName, o.CustomOriginConfig?.OriginProtocolPolicy])).toEqual(
      [
        ['site', 'charter-two-origin-site-local.s3.us-west-2.amazonaws.com', undefined],
        ['api', new URL(cloud.endpoints.api).host, 'https-only'],
      ],
    );
    expect(config.Origins?.Items?.[1]?.CustomOriginConfig?.OriginSslProtocols?.Items).toEqual(['TLSv1.2']);
    expect(config.CacheBehaviors?.Quantity).toBe(3);
    expect(config.CacheBehaviors?.Items?.[0]).toMatchObject({
      PathPattern: '/api/*',
      TargetOriginId: 'api',
      AllowedMethods: { Quantity: 3 },
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    });
    expect(config.DefaultCacheBehavior?.ResponseHeadersPolicyId).toBe(
      distribution.wiring.behaviors.at(-1)!.responseHeaders!.id,
    );
  });
});

describe("CloudFront's path patterns", () => {
  it('match * and ? wildcards, case-sensitive, with or without the leading slash', () => {
    expect([
      pathPatternMatches('/api/*', '/api/a/b'),
      pathPatternMatches('/api/*', '/api'),
      pathPatternMatches('/api/*', '/API/a'),
      pathPatternMatches('/v?/x', '/v1/x'),
      pathPatternMatches('/v?/x', '/v10/x'),
      pathPatternMatches('images/*.jpg', '/images/a.jpg'),
      pathPatternMatches('*.jpg', '/a/b.jpg'),
      pathPatternMatches('/a.b', '/axb'),
    ]).toEqual([true, false, false, true, false, true, true, false]);
  });
});

describe('what the local CloudFront cannot serve is a DefinitionError naming it', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const endpoints = { api: 'http://127.0.0.1:4700', opsSite: 'http://127.0.0.1:4711' };
  /** The fixture with one change to its serverless.yml, loaded. */
  const loadChanged = (from: string, to: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'charter-two-origin-'));
    dirs.push(dir);
    cpSync(fixture, dir, { recursive: true });
    const yml = readFileSync(join(dir, 'serverless.yml'), 'utf8');
    if (!yml.includes(from)) throw new Error(`the fixture has no ${from}`);
    writeFileSync(join(dir, 'serverless.yml'), yml.replace(from, to));
    return () =>
      loadService(dir, {
        stage: 'local',
        region: REGION,
        accountId: ACCOUNT_ID,
        params: {},
        local: { endpoints, distributionEndpoint: distributionEndpointKey, exports: new Map() },
      });
  };
  const where = 'charter-two-origin-site: OpsSiteDistribution';

  it('loads the fixture itself', () => {
    const wiring = loadChanged('Comment: Two origins (fixture)', 'Comment: Two origins')();
    expect(wiring.distributions[0]!.behaviors.map((b) => [b.pathPattern, b.origin.kind, b.forward])).toEqual([
      ['/api/*', 'custom', 'all-except-host'],
      ['/bare/*', 'custom', 'nothing'],
      ['/rw/*', 'custom', 'all-except-host'],
      [undefined, 's3', 'nothing'],
    ]);
    expect(wiring.siteUploads[0]!.files.map((f) => f.file)).toEqual([
      join(wiring.dir, 'site', 'console.html'),
      join(wiring.dir, 'site', 'console.js'),
    ]);
  });

  it.each([
    [
      'a custom origin that is no local endpoint',
      "!Select [2, !Split ['/', !GetAtt HttpApi.ApiEndpoint]]",
      'api.example.com',
      `${where}: custom origin api (api.example.com) is no local endpoint`,
    ],
    [
      'a cached custom origin',
      'CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      'CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6',
      `${where}: the behaviour /api/* goes to custom origin api, which runs locally only with the managed ` +
        'CachingDisabled cache policy',
    ],
    [
      'another origin request policy',
      'OriginRequestPolicyId: b689b0a8-53d0-40ab-baf2-68738e2966ac',
      'OriginRequestPolicyId: 216adef6-5c7f-47e4-b989-5492eafa07d3',
      `${where}: the behaviour /api/*'s OriginRequestPolicyId 216adef6-5c7f-47e4-b989-5492eafa07d3 is not run locally`,
    ],
    [
      'a headers policy that is no policy of the stack',
      'ResponseHeadersPolicyId: !Ref SiteHeadersPolicy',
      'ResponseHeadersPolicyId: !Ref SiteBucket',
      `${where}: the default behaviour's ResponseHeadersPolicyId must be a managed id or !Ref to an ` +
        'AWS::CloudFront::ResponseHeadersPolicy of the same stack',
    ],
    [
      'a behaviour to an origin it does not have',
      '- PathPattern: /api/*\n              TargetOriginId: api',
      '- PathPattern: /api/*\n              TargetOriginId: apx',
      `${where}: the behaviour /api/*'s TargetOriginId apx is no origin of it`,
    ],
    [
      'a site file that is missing',
      'file: site/console.js',
      'file: site/missing.js',
      'charter-two-origin-site: custom.siteUploads[0]: file site/missing.js (key console.js) does not exist',
    ],
    [
      'a site upload without a Cache-Control (CloudFront would keep it a day)',
      'cacheControl: no-cache',
      'cacheControl: ""',
      'charter-two-origin-site: custom.siteUploads[0]: cacheControl must be set',
    ],
    [
      'a site bucket that is no bucket of the stack',
      'bucket: charter-two-origin-site-${sls:stage}',
      'bucket: someone-elses-bucket',
      'charter-two-origin-site: custom.siteUploads[0] names bucket someone-elses-bucket, which is no bucket of the ' +
        'stack',
    ],
  ])('%s', (_what, from, to, message) => {
    let error: unknown;
    try {
      loadChanged(from, to)();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ name: 'DefinitionError' });
    expect((error as Error).message).toContain(message);
  });
});
