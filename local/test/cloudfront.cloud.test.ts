import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetDistributionCommand,
  ListDistributionsCommand,
  ListInvalidationsCommand,
} from '@aws-sdk/client-cloudfront';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ACCOUNT_ID, REGION } from '@charter/local/cloud';
import { distributionEndpointKey, loadService } from '@charter/local/definitions';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { Distribution, ttlOf } from '../src/servers/cloudfront';

describe('the local CloudFront distributions', () => {
  let cloud: LocalCloud;
  let s3: S3Client;
  const slug = 'AbCdEfGhIjKlMnOpQrSt';

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: ['guest-pages', 'calendar'] });
    s3 = new S3Client({ forcePathStyle: true });
  });
  afterAll(() => cloud.stop());

  const distribution = (key: string) => [...cloud.distributions.values()].find((d) => d.wiring.endpointKey === key)!;
  const put = (bucket: string, key: string, body: string, cacheControl: string) =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'text/html; charset=utf-8',
        CacheControl: cacheControl,
      }),
    );

  it("serves /g/<slug> from g/<slug>.html through the service's own CloudFront Function", async () => {
    await put(
      distribution('guestSite').wiring.originBucket,
      `g/${slug}.html`,
      '<h1>Welcome aboard</h1>',
      'public, max-age=300',
    );
    const res = await fetch(`${cloud.endpoints.guestSite}/g/${slug}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe('<h1>Welcome aboard</h1>');
  });

  it("adds the guest site's managed security headers to every page", async () => {
    const res = await fetch(`${cloud.endpoints.guestSite}/g/${slug}`);
    expect(
      Object.fromEntries(
        ['strict-transport-security', 'x-content-type-options', 'x-frame-options', 'referrer-policy'].map((h) => [
          h,
          res.headers.get(h),
        ]),
      ),
    ).toEqual({
      'strict-transport-security': 'max-age=31536000',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'strict-origin-when-cross-origin',
    });
  });

  it('answers a missing object with 403, as S3 behind origin access control does', async () => {
    expect((await fetch(`${cloud.endpoints.guestSite}/g/ZZZZZZZZZZZZZZZZZZZZ`)).status).toBe(403);
  });

  it('caches by Cache-Control until an invalidation of that path', async () => {
    const site = distribution('calendarSite');
    const url = `${cloud.endpoints.calendarSite}/calendar/2027.json`;
    await put(site.wiring.originBucket, 'calendar/2027.json', '{"v":1}', 'public, max-age=300');
    const first = await fetch(url);
    expect([first.headers.get('x-cache'), await first.text()]).toEqual(['Miss from cloudfront', '{"v":1}']);

    await put(site.wiring.originBucket, 'calendar/2027.json', '{"v":2}', 'public, max-age=300');
    const cached = await fetch(url);
    expect([cached.headers.get('x-cache'), await cached.text()]).toEqual(['Hit from cloudfront', '{"v":1}']);

    const cloudfront = new CloudFrontClient({});
    const created = await cloudfront.send(
      new CreateInvalidationCommand({
        DistributionId: site.wiring.id,
        InvalidationBatch: { CallerReference: 'cal-2027-1', Paths: { Quantity: 1, Items: ['/calendar/2027.json'] } },
      }),
    );
    expect(created.Invalidation?.Id).toMatch(/^I/);
    const fresh = await fetch(url);
    expect([fresh.headers.get('x-cache'), await fresh.text()]).toEqual(['Miss from cloudfront', '{"v":2}']);

    // The same CallerReference is the same invalidation: a retried call does not count twice.
    const retried = await cloudfront.send(
      new CreateInvalidationCommand({
        DistributionId: site.wiring.id,
        InvalidationBatch: { CallerReference: 'cal-2027-1', Paths: { Quantity: 1, Items: ['/calendar/2027.json'] } },
      }),
    );
    expect(retried.Invalidation?.Id).toBe(created.Invalidation?.Id);
    const list = await cloudfront.send(new ListInvalidationsCommand({ DistributionId: site.wiring.id }));
    expect(list.InvalidationList?.Quantity).toBe(1);
  });

  it('refuses an invalidation for an unknown distribution, as CloudFront does', async () => {
    await expect(
      new CloudFrontClient({}).send(
        new CreateInvalidationCommand({
          DistributionId: 'ENOSUCHDIST',
          InvalidationBatch: { CallerReference: 'x', Paths: { Quantity: 1, Items: ['/x'] } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchDistribution' });
  });

  it("keeps objects for s-maxage, else max-age, within the policy's TTLs; no-store or no-cache for its MinTTL", () => {
    const disabled = { min: 0, default: 0, max: 0 };
    expect([
      ttlOf('public, max-age=60, s-maxage=600'),
      ttlOf('max-age=60'),
      ttlOf('max-age=0'),
      ttlOf('no-store'),
      ttlOf('no-cache'),
      ttlOf(undefined),
      ttlOf('max-age=99999999'),
      ttlOf('max-age=60', disabled),
      ttlOf('no-cache', disabled),
    ]).toEqual([600, 60, 1, 1, 1, 86400, 31536000, 0, 0]);
  });
});

describe('the local CloudFront API, as an operator looks a distribution up', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startLocalCloud({ services: ['guest-pages', 'calendar'] });
  });
  afterAll(() => cloud.stop());

  it('lists every distribution with its id, domain, origin and error caching; gets one by id', async () => {
    const cloudfront = new CloudFrontClient({});
    const { DistributionList } = await cloudfront.send(new ListDistributionsCommand({}));
    const summaries = DistributionList?.Items ?? [];
    expect(summaries.map((d) => d.Id).sort()).toEqual([...cloud.distributions.keys()].sort());
    for (const summary of summaries) {
      const distribution = cloud.distributions.get(summary.Id!)!;
      const endpoint = cloud.endpoints[distribution.wiring.endpointKey as keyof typeof cloud.endpoints];
      expect(summary).toMatchObject({
        ARN: `arn:aws:cloudfront::000000000000:distribution/${summary.Id}`,
        Status: 'Deployed',
        DomainName: new URL(endpoint).host,
        Enabled: true,
        Origins: {
          Quantity: 1,
          Items: [{ DomainName: `${distribution.wiring.originBucket}.s3.us-west-2.amazonaws.com` }],
        },
        CustomErrorResponses: {
          Quantity: distribution.wiring.config.CustomErrorResponses?.length ?? 0,
        },
      });
    }
    const one = await cloudfront.send(new GetDistributionCommand({ Id: summaries[0]!.Id }));
    expect(one.Distribution?.DistributionConfig?.Comment).toBe(summaries[0]!.Comment);
    expect(one.ETag).toMatch(/^E/);
  });
});

describe('the local CloudFront caches errors as CloudFront does (ErrorCachingMinTTL)', () => {
  let cloud: LocalCloud;
  let s3: S3Client;
  let bucket: string;
  let clock = Date.now();
  const servers: Server[] = [];
  /** The fixture's two distributions: CloudFront's defaults, and ErrorCachingMinTTL 0 for 403 and 404. */
  const sites: Record<'defaultErrors' | 'uncachedErrors', { url: string; distribution: Distribution }> = {} as never;

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: [] });
    s3 = new S3Client({ forcePathStyle: true });
    const wiring = loadService(join(__dirname, 'fixtures', 'error-caching'), {
      stage: 'local',
      region: REGION,
      accountId: ACCOUNT_ID,
      params: {},
      local: { endpoints: cloud.endpoints, distributionEndpoint: distributionEndpointKey, exports: new Map() },
    });
    bucket = wiring.buckets[0]!.name;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const d of wiring.distributions) {
      const distribution = new Distribution(d, s3, () => clock);
      const server = createServer((req, res) => void distribution.handler()(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      sites[d.endpointKey as keyof typeof sites] = { url, distribution };
    }
  });
  afterAll(async () => {
    for (const server of servers) server.close();
    s3.destroy();
    await cloud.stop();
  });

  const get = async (site: keyof typeof sites, path: string) => {
    const res = await fetch(`${sites[site].url}${path}`);
    return [res.status, res.headers.get('x-cache'), await res.text()] as const;
  };
  const publish = (key: string) =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'published', CacheControl: 'max-age=300' }));

  it('reads ErrorCachingMinTTL per error code from the definition', () => {
    expect(sites.defaultErrors.distribution.wiring.errorCachingMinTtl).toEqual({});
    expect(sites.uncachedErrors.distribution.wiring.errorCachingMinTtl).toEqual({ 403: 0, 404: 0, 500: 0, 503: 30 });
  });

  it("passes S3's own 500 on, kept 10 s by default and not at all with ErrorCachingMinTTL 0", async () => {
    await publish('g/flaky.html');
    // The origin's next GetObject answers InternalError (500) past the SDK's retries, as S3 can.
    const origin = (site: keyof typeof sites) =>
      (sites[site].distribution as unknown as { s3: { send: (command: unknown) => Promise<unknown> } }).s3;
    const failOnce = (site: keyof typeof sites) => {
      const client = origin(site);
      const send = client.send.bind(client);
      client.send = () => {
        client.send = send;
        const error = Object.assign(new Error('We encountered an internal error.'), {
          name: 'InternalError',
          $metadata: { httpStatusCode: 500 },
        });
        return Promise.reject(error);
      };
    };
    failOnce('uncachedErrors');
    expect((await get('uncachedErrors', '/g/flaky.html'))[0]).toBe(500);
    expect(await get('uncachedErrors', '/g/flaky.html')).toEqual([200, 'Miss from cloudfront', 'published']);
    failOnce('defaultErrors');
    expect(await get('defaultErrors', '/g/flaky.html')).toEqual([500, 'Error from cloudfront', expect.any(String)]);
    clock += 9_000;
    expect((await get('defaultErrors', '/g/flaky.html'))[0]).toBe(500);
    clock += 1_001;
    expect((await get('defaultErrors', '/g/flaky.html'))[0]).toBe(200);
  });

  it('without the setting, keeps a 403 for 10 s: a page stored meanwhile stays 403 until then', async () => {
    expect(await get('defaultErrors', '/g/late.html')).toEqual([403, 'Error from cloudfront', expect.any(String)]);
    await publish('g/late.html');
    clock += 9_000;
    expect((await get('defaultErrors', '/g/late.html'))[0]).toBe(403);
    clock += 1_001;
    expect(await get('defaultErrors', '/g/late.html')).toEqual([200, 'Miss from cloudfront', 'published']);
  });

  it('with ErrorCachingMinTTL 0 for 403, asks the origin again at once', async () => {
    expect((await get('uncachedErrors', '/g/soon.html'))[0]).toBe(403);
    await publish('g/soon.html');
    expect(await get('uncachedErrors', '/g/soon.html')).toEqual([200, 'Miss from cloudfront', 'published']);
  });

  it('lets an invalidation clear a cached error, as CloudFront documents', async () => {
    expect((await get('defaultErrors', '/g/fixed.html'))[0]).toBe(403);
    await publish('g/fixed.html');
    sites.defaultErrors.distribution.invalidate('fixed-1', ['/g/fixed.html']);
    expect((await get('defaultErrors', '/g/fixed.html'))[0]).toBe(200);
  });

  it("takes the origin's longer max-age, and its no-store only for 404, 410, 414 and 501", () => {
    const { defaultErrors, uncachedErrors } = sites;
    expect([
      defaultErrors.distribution.errorTtlMs(403),
      defaultErrors.distribution.errorTtlMs(403, 'max-age=60'),
      defaultErrors.distribution.errorTtlMs(403, 'no-store'),
      defaultErrors.distribution.errorTtlMs(404, 'no-store'),
      defaultErrors.distribution.errorTtlMs(416),
      uncachedErrors.distribution.errorTtlMs(403),
      uncachedErrors.distribution.errorTtlMs(503),
      uncachedErrors.distribution.errorTtlMs(502),
    ]).toEqual([10_000, 60_000, 10_000, 0, 0, 0, 30_000, 10_000]);
  });
});
