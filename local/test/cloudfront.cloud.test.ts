import { CloudFrontClient, CreateInvalidationCommand, ListInvalidationsCommand } from '@aws-sdk/client-cloudfront';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ttlOf } from '../src/servers/cloudfront';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';

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

  it('keeps objects for s-maxage, else max-age, and never for no-store', () => {
    expect([
      ttlOf('public, max-age=60, s-maxage=600'),
      ttlOf('max-age=60'),
      ttlOf('no-store'),
      ttlOf(undefined),
    ]).toEqual([600, 60, 0, 86400]);
  });
});
