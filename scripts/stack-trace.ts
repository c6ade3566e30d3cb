/**
 * Maps a logged stack trace back to the TypeScript sources, with the source map `sls package` keeps beside the
 * function's zip (services/serverless/source-maps.js: no zip carries its map, and no function runs with
 * `--enable-source-maps`):
 *
 *   npm run stack-trace -- services/scc/.serverless/source-maps/confirm/confirm.js.map < trace.txt
 *
 * Every frame in the function's bundle (`.../confirm.js:<line>:<column>`) becomes `<source>:<line>:<column>`; other
 * frames (Node's own) pass through. Node's own `SourceMap` (node:module) reads the map.
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { basename } from 'node:path';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The trace with each frame of `bundleName` replaced by where it is in the sources. */
export function mapStackTrace(trace: string, map: SourceMap, bundleName: string): string {
  const frame = new RegExp(`[^\\s(]*${escapeRegExp(bundleName)}:(\\d+):(\\d+)`, 'g');
  return trace.replace(frame, (whole, line: string, column: string) => {
    // Stack traces count lines and columns from 1, source maps from 0.
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as Partial<{
      originalSource: string;
      originalLine: number;
      originalColumn: number;
    }>;
    if (entry.originalSource === undefined) return whole;
    return `${entry.originalSource}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
  });
}

export function readSourceMap(file: string): SourceMap {
  return new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as SourceMapPayload);
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run stack-trace -- <function>.js.map < trace.txt');
    process.exit(2);
  }
  const trace = readFileSync(0, 'utf8');
  process.stdout.write(mapStackTrace(trace, readSourceMap(file), basename(file).replace(/\.map$/, '')));
}
