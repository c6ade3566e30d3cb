'use strict';

/**
 * A service's static files, put in its bucket after `sls deploy`: `custom.siteUploads`, a list of
 * `{ bucket, cacheControl, files: [{ key, file, contentType }] }` with `file` relative to the service folder (ops'
 * console is three such files behind OpsSiteDistribution). Every file is checked at every command, so `sls package`
 * (and CI's packaging test) fails on a missing one rather than a deploy that serves a 403. Before `sls remove` the
 * same keys are deleted, since CloudFormation cannot delete a bucket that still holds objects. The local cloud reads
 * the same list and puts the same files at start (local/src/cloud/provision.ts).
 *
 * Hand-written rather than serverless-s3-sync: that plugin syncs whole folders through `@auth0/s3`, which is built on
 * the AWS SDK v2 (end of support), and guesses content types; here three named files go up with the type given,
 * through the Serverless provider's own S3 calls (its credentials, region and retries).
 */
const fs = require('node:fs');
const path = require('node:path');

class SiteUploads {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    this.hooks = {
      initialize: () => {
        this.uploads();
      },
      'after:deploy:deploy': () => this.upload(),
      'before:remove:remove': () => this.remove(),
    };
  }

  /** custom.siteUploads, checked: a bucket, a Cache-Control, and each file present with its key and content type. */
  uploads() {
    const list = this.serverless.service.custom?.siteUploads ?? [];
    const fail = (what) => {
      throw new this.serverless.classes.Error(`custom.siteUploads: ${what}`);
    };
    if (!Array.isArray(list)) fail('must be a list of { bucket, cacheControl, files }');
    return list.map((upload, i) => {
      if (typeof upload?.bucket !== 'string' || !upload.bucket) fail(`entry ${i} has no bucket`);
      if (typeof upload.cacheControl !== 'string' || !upload.cacheControl) fail(`entry ${i} has no cacheControl`);
      if (!Array.isArray(upload.files) || upload.files.length === 0) fail(`entry ${i} has no files`);
      const files = upload.files.map((f) => {
        if (!f?.key || !f.file || !f.contentType) fail(`a file of ${upload.bucket} needs key, file and contentType`);
        const absolute = path.resolve(this.serverless.serviceDir, f.file);
        if (!fs.existsSync(absolute)) fail(`${f.file} (for s3://${upload.bucket}/${f.key}) does not exist`);
        return { key: f.key, absolute, contentType: f.contentType };
      });
      return { bucket: upload.bucket, cacheControl: upload.cacheControl, files };
    });
  }

  async upload() {
    const provider = this.serverless.getProvider('aws');
    for (const { bucket, cacheControl, files } of this.uploads()) {
      for (const file of files) {
        await provider.request('S3', 'putObject', {
          Bucket: bucket,
          Key: file.key,
          Body: fs.readFileSync(file.absolute),
          ContentType: file.contentType,
          CacheControl: cacheControl,
        });
      }
      this.log?.notice(`site: ${files.length} file(s) in s3://${bucket} (${files.map((f) => f.key).join(', ')})`);
    }
  }

  /**
   * Everything in each site bucket, not only today's keys: a file an earlier deploy put there (since renamed) would
   * otherwise keep the bucket, and so the stack, from being deleted.
   */
  async remove() {
    const provider = this.serverless.getProvider('aws');
    for (const { bucket } of this.uploads()) {
      let token;
      do {
        let listed;
        try {
          listed = await provider.request('S3', 'listObjectsV2', { Bucket: bucket, ContinuationToken: token });
        } catch (error) {
          // Never deployed, or already removed: nothing to empty.
          if (error?.providerError?.code === 'NoSuchBucket') break;
          throw error;
        }
        const keys = (listed.Contents ?? []).map(({ Key }) => ({ Key }));
        if (keys.length > 0) {
          const { Errors = [] } = await provider.request('S3', 'deleteObjects', {
            Bucket: bucket,
            Delete: { Objects: keys, Quiet: true },
          });
          if (Errors.length > 0) {
            const first = Errors[0];
            throw new this.serverless.classes.Error(
              `site: ${Errors.length} object(s) of s3://${bucket} not deleted (${first.Key}: ${first.Code} ${first.Message})`,
            );
          }
        }
        token = listed.IsTruncated ? listed.NextContinuationToken : undefined;
      } while (token);
    }
  }
}

module.exports = SiteUploads;
