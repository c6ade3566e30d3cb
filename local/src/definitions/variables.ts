import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parseYaml } from './yaml';

/**
 * The part of Serverless Framework v3's variable grammar our services use, resolved the way
 * Serverless resolves it: `${source:address, fallback, ...}` with self, sls, opt, env, param,
 * aws and file sources, nested variables resolved innermost first, and non-string results
 * only where a variable is the whole value. `${AWS::Region}`-style text inside !Sub is
 * CloudFormation's, not ours, and is left alone (as Serverless leaves it).
 */
export interface VariableContext {
  /** The service's configuration as parsed, before resolution (the `self:` source). */
  config: Record<string, unknown>;
  serviceDir: string;
  stage: string;
  region: string;
  accountId: string;
  /** Params given on the command line or by compose; they win over the file's `params`. */
  params: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
}

export class VariableResolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VariableResolutionError';
  }
}

const SERVERLESS_SOURCE = /^\s*(self|sls|opt|env|param|aws|cf|ssm|s3|file\(|strToBool\()/;

interface Span {
  start: number;
  end: number;
  inner: string;
}

/** Top-level `${...}` spans that are Serverless variables (CloudFormation's are skipped). */
function variableSpans(text: string): Span[] {
  const spans: Span[] = [];
  let i = 0;
  while ((i = text.indexOf('${', i)) !== -1) {
    let depth = 0;
    let j = i;
    for (; j < text.length; j++) {
      if (text.startsWith('${', j)) {
        depth++;
        j++;
      } else if (text[j] === '}') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (depth !== 0) break;
    const inner = text.slice(i + 2, j);
    if (SERVERLESS_SOURCE.test(inner)) spans.push({ start: i, end: j + 1, inner });
    i = j + 1;
  }
  return spans;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

function getPath(root: unknown, path: string): unknown {
  if (!path) return root;
  let value = root;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export class VariableResolver {
  private readonly resolving = new Set<string>();
  private readonly fileCache = new Map<string, unknown>();

  constructor(private readonly ctx: VariableContext) {}

  resolveValue(value: unknown): unknown {
    if (typeof value === 'string') return this.resolveString(value);
    if (Array.isArray(value)) return value.map((v) => this.resolveValue(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolveValue(v)]));
    }
    return value;
  }

  private resolveString(text: string): unknown {
    const spans = variableSpans(text);
    if (spans.length === 0) return text;
    if (spans.length === 1 && spans[0]!.start === 0 && spans[0]!.end === text.length) {
      return this.resolveExpression(spans[0]!.inner);
    }
    let out = '';
    let last = 0;
    for (const span of spans) {
      const value = this.resolveExpression(span.inner);
      if (value !== null && typeof value === 'object') {
        throw new VariableResolutionError(
          `\${${span.inner}} resolves to an object and cannot be part of the string "${text}"`,
        );
      }
      out += text.slice(last, span.start) + String(value);
      last = span.end;
    }
    return out + text.slice(last);
  }

  private resolveExpression(rawInner: string): unknown {
    const inner = String(this.resolveString(rawInner));
    for (const candidate of splitTopLevel(inner)) {
      const value = this.resolveSource(candidate);
      if (value !== undefined && value !== null) return value;
    }
    throw new VariableResolutionError(`Cannot resolve \${${rawInner}}: no source has a value`);
  }

  private resolveSource(expression: string): unknown {
    const literal = /^'(.*)'$|^"(.*)"$/s.exec(expression);
    if (literal) return literal[1] ?? literal[2];
    if (/^-?\d+(\.\d+)?$/.test(expression)) return Number(expression);
    if (expression === 'true' || expression === 'false') return expression === 'true';

    const file = /^file\((.+?)\)(?::(.*))?$/.exec(expression);
    if (file) return this.resolveFile(file[1]!.trim(), file[2]?.trim() ?? '');

    const match = /^(\w+):(.*)$/.exec(expression);
    if (!match) throw new VariableResolutionError(`Unsupported variable \${${expression}}`);
    const [, source, address] = match as unknown as [string, string, string];
    switch (source) {
      case 'self':
        return this.resolveSelf(address);
      case 'sls':
        if (address === 'stage') return this.ctx.stage;
        if (address === 'instanceId') return 'local';
        break;
      case 'opt':
        if (address === 'stage') return this.ctx.stage;
        if (address === 'region') return this.ctx.region;
        return undefined;
      case 'env':
        return this.ctx.env[address];
      case 'aws':
        if (address === 'region') return this.ctx.region;
        if (address === 'accountId') return this.ctx.accountId;
        break;
      case 'param':
        return this.resolveParam(address);
    }
    throw new VariableResolutionError(
      `Unsupported variable source \${${expression}} (the local cloud reads self, sls, opt, env, aws, param and file)`,
    );
  }

  private resolveSelf(address: string): unknown {
    const key = `self:${address}`;
    if (this.resolving.has(key)) throw new VariableResolutionError(`Circular variable \${${key}}`);
    this.resolving.add(key);
    try {
      return this.resolveValue(getPath(this.ctx.config, address));
    } finally {
      this.resolving.delete(key);
    }
  }

  private resolveParam(name: string): unknown {
    if (this.ctx.params[name] !== undefined) return this.ctx.params[name];
    const params = (this.ctx.config.params ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const value = params[this.ctx.stage]?.[name] ?? params.default?.[name];
    return value === undefined ? undefined : this.resolveValue(value);
  }

  private resolveFile(relativePath: string, address: string): unknown {
    const path = resolve(this.ctx.serviceDir, relativePath);
    if (!existsSync(path)) return undefined;
    let content = this.fileCache.get(path);
    if (content === undefined) {
      const extension = extname(path);
      if (extension === '.js' || extension === '.cjs') {
        // Serverless requires the file, then calls a function export and uses what it returns.
        content = require(path); // eslint-disable-line @typescript-eslint/no-require-imports -- as Serverless loads it
      } else if (extension === '.json') {
        content = JSON.parse(readFileSync(path, 'utf8'));
      } else {
        content = parseYaml(readFileSync(path, 'utf8'), path);
      }
      this.fileCache.set(path, content);
    }
    let value = getPath(content, address);
    if (typeof value === 'function') value = (value as () => unknown)();
    return this.resolveValue(value);
  }
}

export const serviceDirOf = (serverlessYmlPath: string) => dirname(serverlessYmlPath);
