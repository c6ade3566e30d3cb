/**
 * Packages every service offline (`npm run package:all [-- --stage ci]`), as `sls package` would
 * before a deploy: no AWS credentials needed. Prints each service's artifact sizes.
 */
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '@charter/local/cloud';
import { readCompose } from '@charter/local/definitions';

const run = promisify(execFile);

/** Runs `serverless package` for one service into outDir; resolves to the template it wrote. */
export async function packageService(serviceDir: string, stage: string, outDir: string): Promise<string> {
  const sls = join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');
  try {
    await run(process.execPath, [sls, 'package', '--stage', stage, '--package', outDir], {
      cwd: serviceDir,
      env: {
        ...process.env,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_PROFILE: '',
      },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`sls package failed in ${serviceDir}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`, {
      cause: error,
    });
  }
  return join(outDir, 'cloudformation-template-update-stack.json');
}

export const serviceDirs = () => readCompose(ROOT).map((s) => ({ key: s.key, dir: join(ROOT, s.path) }));

async function main(): Promise<void> {
  const stageIndex = process.argv.indexOf('--stage');
  const stage = stageIndex > 0 ? process.argv[stageIndex + 1]! : 'ci';
  for (const { key, dir } of serviceDirs()) {
    const started = Date.now();
    const outDir = join(dir, '.serverless');
    await packageService(dir, stage, outDir);
    const zips = readdirSync(outDir).filter((f) => f.endsWith('.zip'));
    const sizes = zips.map((f) => `${f} ${(statSync(join(outDir, f)).size / 1024).toFixed(0)} KiB`).join(', ');
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`${key}: packaged for stage ${stage} in ${seconds} s${sizes ? ` (${sizes})` : ''}`);
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
