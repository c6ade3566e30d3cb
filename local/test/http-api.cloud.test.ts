import { request } from 'node:http';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';

/**
 * What the local HTTP API itself answers, before any handler: faults the hostile-input test found
 * (test/hostile-input.test.ts), each a 4xx JSON `{error, message}` now.
 */
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['scc'], run: true });
});
afterAll(() => cloud.stop());

describe('the local HTTP API on input no handler sees', () => {
  it.each(['%ZZ', '%C3%28', '%E0%A4', '%'])(
    'answers a path parameter that is not valid percent-encoding (%s) 400, not 500',
    async (segment) => {
      const res = await fetch(`${cloud.endpoints.api}/crew/${segment}?token=x`);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'bad_request', message: expect.stringContaining('path') as unknown });
    },
  );

  it('answers a body over API Gateway’s 10 MB 413, instead of closing the connection while it is sent', async () => {
    const body = Buffer.alloc(10 * 1024 * 1024 + 4096, 'a');
    const { port, hostname } = new URL(cloud.endpoints.api);
    // node:http, so what the client sees is exactly what the server did: an answer, or a reset.
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ host: hostname, port, method: 'POST', path: '/events' }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ error: 'payload_too_large', message: 'Request Entity Too Large' });
  });
});
