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
  private readonly cache = new Map<string, { versions: Promise<SecretVersions>; fetchedAt: number }>();

  constructor(
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
    private readonly maxAgeSeconds = Number(process.env.SECRETS_CACHE_SECONDS ?? DEFAULT_MAX_AGE_SECONDS),
  ) {}

  versions(name: string, forceFetch = false): Promise<SecretVersions> {
    const cached = this.cache.get(name);
    if (!forceFetch && cached && Date.now() - cached.fetchedAt < this.maxAgeSeconds * 1000) return cached.versions;
    const versions = this.fetch(name);
    this.cache.set(name, { versions, fetchedAt: Date.now() });
    // A failed read is not cached: the next request tries again.
    versions.catch(() => this.cache.get(name)?.versions === versions && this.cache.delete(name));
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
   * True when the candidate equals the current or the previous value. On a miss it refetches
   * (at most every few seconds) so a key rotated a moment ago is accepted without waiting for
   * the cache to expire, while a stream of wrong keys cannot hammer Secrets Manager.
   */
  async matches(name: string, candidate: string | undefined): Promise<boolean> {
    if (!candidate) return false;
    if (matchesAny(candidate, valuesOf(await this.versions(name)))) return true;
    const fresh = await this.refreshAfterMiss(name);
    return fresh !== undefined && matchesAny(candidate, valuesOf(fresh));
  }

  /**
   * After a value did not match: the versions read again, unless the cached copy is only seconds
   * old (then undefined), so a rotation is seen at once but wrong values cannot hammer the API.
   */
  async refreshAfterMiss(name: string): Promise<SecretVersions | undefined> {
    const age = Date.now() - (this.cache.get(name)?.fetchedAt ?? 0);
    if (age < REFRESH_ON_MISS_SECONDS * 1000) return undefined;
    return this.versions(name, true);
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

const valuesOf = (v: SecretVersions) => (v.previous === undefined ? [v.current] : [v.current, v.previous]);

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
