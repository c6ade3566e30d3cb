import { createHash, timingSafeEqual } from 'node:crypto';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { NotConfiguredError } from './errors';

export interface SecretVersions {
  current: string;
  /** Present while a rotation is under way: the value before the last PutSecretValue. */
  previous?: string;
}

const DEFAULT_MAX_AGE_SECONDS = 300;
/** A miss may mean the secret rotated after we cached it; refetch, but at most this often. */
const REFRESH_ON_MISS_SECONDS = 5;

/**
 * Reads a secret's AWSCURRENT and AWSPREVIOUS values, cached together for a few minutes.
 *
 * Not Powertools Parameters: its cache is keyed by name alone (so the two version stages would
 * overwrite each other) and it does not cache a missing value, which would make every request
 * ask Secrets Manager for an AWSPREVIOUS that only exists during a rotation.
 */
export class SecretReader {
  /** Per secret: the read under way or done, when it was started, and until when it may be served. */
  private readonly cache = new Map<string, { versions: Promise<SecretVersions>; fetchedAt: number; until: number }>();

  constructor(
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
    private readonly maxAgeSeconds = Number(process.env.SECRETS_CACHE_SECONDS ?? DEFAULT_MAX_AGE_SECONDS),
  ) {}

  versions(name: string, forceFetch = false): Promise<SecretVersions> {
    const cached = this.cache.get(name);
    if (!forceFetch && cached && Date.now() < cached.until) return cached.versions;
    const fetchedAt = Date.now();
    const versions = this.fetch(name);
    this.cache.set(name, { versions, fetchedAt, until: fetchedAt + this.maxAgeSeconds * 1000 });
    // A failed read is kept only briefly: the next requests fail fast instead of each asking a Secrets Manager that
    // is throttling or down, and a few seconds later one of them tries again.
    versions.catch(() => {
      const entry = this.cache.get(name);
      if (entry?.versions === versions) entry.until = Math.min(entry.until, fetchedAt + REFRESH_ON_MISS_SECONDS * 1000);
    });
    return versions;
  }

  /** The current value, parsed as JSON (for secrets such as the partner map). */
  async json<T>(name: string): Promise<T> {
    const { current } = await this.versions(name);
    try {
      return JSON.parse(current) as T;
    } catch {
      throw new NotConfiguredError(`secret ${name}`, 'its value is not valid JSON');
    }
  }

  /**
   * The one way a presented credential is checked against a rotating secret (a shared key, a
   * partner's signature, a magic link, an upload token). `check` runs on the accepted values,
   * AWSCURRENT and, while a rotation is under way, AWSPREVIOUS; when its result is a miss, the
   * values are read again (at most every few seconds per secret) and checked once more, so a key
   * rotated a moment ago is accepted without waiting for the cache to expire, while a stream of
   * wrong keys cannot hammer Secrets Manager. The comparison itself belongs to `check`, which
   * must be constant-time.
   */
  async check<R>(
    name: string,
    check: (accepted: SecretVersions) => R,
    isMiss: (result: R) => boolean = (result) => !result,
  ): Promise<R> {
    const result = check(await this.versions(name));
    if (!isMiss(result)) return result;
    const age = Date.now() - (this.cache.get(name)?.fetchedAt ?? 0);
    if (age < REFRESH_ON_MISS_SECONDS * 1000) return result;
    return check(await this.versions(name, true));
  }

  /** True when the candidate equals the current or the previous value (constant-time). */
  matches(name: string, candidate: string | undefined): Promise<boolean> {
    if (!candidate) return Promise.resolve(false);
    return this.check(name, (accepted) => matchesAny(candidate, acceptedValues(accepted)));
  }

  private async fetch(name: string): Promise<SecretVersions> {
    const [current, previous] = await Promise.all([this.read(name, 'AWSCURRENT'), this.read(name, 'AWSPREVIOUS')]);
    if (current === undefined || current === '') {
      throw new NotConfiguredError(`secret ${name}`, 'it has no AWSCURRENT value in Secrets Manager');
    }
    return previous === undefined ? { current } : { current, previous };
  }

  private async read(name: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> {
    try {
      const result = await this.client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage }));
      if (result.SecretString !== undefined) return result.SecretString;
      return result.SecretBinary ? Buffer.from(result.SecretBinary).toString('utf8') : undefined;
    } catch (error) {
      const errorName = (error as Error).name;
      if (error instanceof ResourceNotFoundException || errorName === 'ResourceNotFoundException') return undefined;
      if (errorName === 'AccessDeniedException') {
        throw new NotConfiguredError(`secret ${name}`, 'this function is not allowed to read it (check its IAM role)');
      }
      throw error;
    }
  }
}

/** The values a credential may match: AWSCURRENT, and AWSPREVIOUS while a rotation is under way. */
export const acceptedValues = (v: SecretVersions): string[] =>
  v.previous === undefined ? [v.current] : [v.current, v.previous];

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time comparison against every accepted value. Hashing first gives equal-length
 * inputs to timingSafeEqual, so neither the value nor its length leaks through timing.
 */
export function matchesAny(candidate: string, accepted: readonly string[]): boolean {
  const candidateDigest = digest(candidate);
  let matched = false;
  for (const value of accepted) {
    matched = timingSafeEqual(candidateDigest, digest(value)) || matched;
  }
  return matched;
}

/** One reader per Lambda environment: every function of a service shares its cache. */
export const secrets = new SecretReader();
