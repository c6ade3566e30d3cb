import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { main } from '../../../scripts/rotate';
import { mintUploadToken } from '../src/domain/upload-token';

/**
 * `npm run rotate -- guest-upload-key` through the local Secrets Manager, and what POST /g/presign (through the local
 * HTTP API) makes of the upload tokens pages carry. A token is checked before the table is read, so for a booking
 * with no page a token that is accepted answers 404 unknown_booking and one that is not 403 invalid_token.
 */
const KEY = 'charter/local/guest-upload-key';
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['guest-pages'], run: true });
});
afterAll(() => cloud.stop());

const presignWith = async (token: string) => {
  const res = await fetch(`${cloud.endpoints.api}/g/presign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-upload-token': token },
    body: JSON.stringify({ booking_id: 'rot-booking', file_name: 'a.jpg', file_size: 1000, mime_type: 'image/jpeg' }),
  });
  return { status: res.status, error: ((await res.json()) as { error: string }).error };
};
const rotate = async (...args: string[]) => {
  const printed: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  try {
    await main(['guest-upload-key', ...args], { stateDir: cloud.stateDir });
  } finally {
    log.mockRestore();
  }
  return printed;
};

describe('rotating guest-upload-key', () => {
  it('keeps the tokens of pages rendered before the rotation until it is finished, and only with --force', async () => {
    const before = mintUploadToken(cloud.secrets[KEY]!, 'rot-booking');
    expect(await presignWith(before)).toEqual({ status: 404, error: 'unknown_booking' });

    const [, newKey] = await rotate();
    const after = mintUploadToken(newKey!, 'rot-booking');
    await cloud.runtime!.coldStart();
    expect(await presignWith(after)).toEqual({ status: 404, error: 'unknown_booking' });
    expect(await presignWith(before)).toEqual({ status: 404, error: 'unknown_booking' });

    // Finishing would break every page rendered before: the script says so and does nothing without --force.
    await expect(rotate('--finish')).rejects.toThrow(/--force/);
    await cloud.runtime!.coldStart();
    expect(await presignWith(before)).toEqual({ status: 404, error: 'unknown_booking' });

    expect((await rotate('--finish', '--force'))[0]).toMatch(
      /^finished the rotation of charter\/local\/guest-upload-key/,
    );
    await cloud.runtime!.coldStart();
    expect(await presignWith(before)).toEqual({ status: 403, error: 'invalid_token' });
    expect(await presignWith(after)).toEqual({ status: 404, error: 'unknown_booking' });
  });
});
