/**
 * Page size and the time to render and store one guest page, against the local cloud.
 *   npx tsx services/guest-pages/scripts/measure.ts [runs]
 * Size is the sample Boatsetter booking's page in bytes (and gzipped, as CloudFront serves it
 * with Compress: true). Times are per page, median and 95th percentile over `runs` pages:
 * render alone, render + S3 put, and the whole handler (apply, render, put, re-read, publish).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { BookingCreated } from '@charter/events';
import { startLocalCloud } from '@charter/local/testing';

const runs = Number(process.argv[2] ?? 200);
const sample = BookingCreated.parse(
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'events', 'samples', 'boatsetter-xhqgmdh.json'), 'utf8')),
);

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms`;
};

async function main() {
  const cloud = await startLocalCloud({ services: ['guest-pages'], run: false });
  try {
    Object.assign(process.env, cloud.functionEnv('guest-pages', 'onBookingEvent'), {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const { renderGuestPage } = await import('../src/domain/render');
    const { pageFactsOf } = await import('../src/domain/page-state');
    const { mintUploadToken } = await import('../src/domain/upload-token');
    const { newSlug } = await import('../src/domain/slug');
    const store = await import('../src/store');
    const { handler } = await import('../src/handlers/on-booking-event');
    const { setting, uploadLimits } = await import('../src/config');
    const settings = {
      uploadLimits: uploadLimits(),
      apiUrl: setting('API_URL'),
      uploadsUrl: await store.uploadsUrl(),
      uploadToken: mintUploadToken(cloud.secrets['charter/local/guest-upload-key']!, sample.booking_id),
    };

    const view = { ...pageFactsOf(sample), status: 'live' } as const;
    const page = renderGuestPage(view, settings);
    console.log(
      `page for ${sample.booking_id}: ${Buffer.byteLength(page)} bytes, ${gzipSync(page).length} bytes gzipped`,
    );

    const render: number[] = [];
    const renderAndStore: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < runs + 20; i++) {
      const warm = i >= 20;
      let t = performance.now();
      const html = renderGuestPage({ ...view, booking_id: `bench-${i}` }, settings);
      const rendered = performance.now() - t;
      await store.putGuestPage(newSlug(), html);
      const stored = performance.now() - t;
      t = performance.now();
      await handler(
        {
          version: '0',
          id: `e-${i}`,
          'detail-type': 'BookingCreated',
          source: 'partner.boatsetter',
          account: '000000000000',
          time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: 'us-west-2',
          resources: [],
          detail: { ...sample, booking_id: `bench-h-${i}` },
        },
        { awsRequestId: `r-${i}`, functionName: 'bench' } as never,
      );
      if (warm) {
        render.push(rendered);
        renderAndStore.push(stored);
        whole.push(performance.now() - t);
      }
    }
    console.log(`render only:            ${stats(render)}  (${runs} pages)`);
    console.log(`render + S3 put:        ${stats(renderAndStore)}`);
    console.log(`whole handler:          ${stats(whole)}  (DynamoDB update, render, S3 put, DynamoDB get, PutEvents)`);
  } finally {
    await cloud.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
