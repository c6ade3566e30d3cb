import { join } from 'node:path';
import { readYaml } from './yaml';
import { loadService, type LoadServiceOptions, type ServiceWiring } from './service';

/**
 * Plays serverless-compose: loads the services in dependency order and hands each the params
 * compose would, resolving `${<service>.<Output>}` from the outputs of services already loaded.
 */
export interface ComposeService {
  key: string;
  path: string;
  params: Record<string, string>;
  dependsOn: string[];
}

/** serverless-compose.yml, as far as the local cloud reads it. */
interface ComposeFile {
  services: Record<string, { path: string; params?: Record<string, string>; dependsOn?: string[] }>;
}

export function readCompose(root: string): ComposeService[] {
  const compose = readYaml(join(root, 'serverless-compose.yml')) as ComposeFile;
  return Object.entries(compose.services).map(([key, s]) => {
    const params = s.params ?? {};
    const referenced = Object.values(params).flatMap((v) =>
      [...String(v).matchAll(/\$\{([\w-]+)\.[\w]+\}/g)].map((m) => m[1]!),
    );
    return { key, path: s.path, params, dependsOn: [...new Set([...(s.dependsOn ?? []), ...referenced])] };
  });
}

export function orderServices(services: ComposeService[]): ComposeService[] {
  const byKey = new Map(services.map((s) => [s.key, s]));
  const ordered: ComposeService[] = [];
  const visiting = new Set<string>();
  const visit = (s: ComposeService) => {
    if (ordered.includes(s)) return;
    if (visiting.has(s.key))
      throw new Error(`serverless-compose.yml: services depend on each other in a cycle at ${s.key}`);
    visiting.add(s.key);
    for (const dep of s.dependsOn) {
      const target = byKey.get(dep);
      if (!target) throw new Error(`serverless-compose.yml: ${s.key} depends on unknown service ${dep}`);
      visit(target);
    }
    ordered.push(s);
  };
  services.forEach(visit);
  return ordered;
}

export function loadComposedServices(
  root: string,
  options: Omit<LoadServiceOptions, 'params' | 'local'> & {
    local: Omit<LoadServiceOptions['local'], 'exports'>;
    /** Params per compose key, as `--param` would give them: they win over compose's and the file's. */
    params?: Record<string, Record<string, unknown>>;
  },
): { key: string; wiring: ServiceWiring; params: Record<string, unknown> }[] {
  const exports = new Map<string, unknown>();
  const outputsByKey = new Map<string, Record<string, unknown>>();
  const loaded: { key: string; wiring: ServiceWiring; params: Record<string, unknown> }[] = [];
  for (const service of orderServices(readCompose(root))) {
    const params: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(service.params)) {
      const whole = /^\$\{([\w-]+)\.([\w]+)\}$/.exec(value);
      if (whole) {
        const output = outputsByKey.get(whole[1]!)?.[whole[2]!];
        if (output === undefined)
          throw new Error(
            `serverless-compose.yml: ${service.key} needs output ${whole[2]} of ${whole[1]}, which has none`,
          );
        params[name] = output;
      } else {
        params[name] = value;
      }
    }
    Object.assign(params, options.params?.[service.key]);
    const wiring = loadService(join(root, service.path), { ...options, params, local: { ...options.local, exports } });
    for (const [name, value] of Object.entries(wiring.exports)) exports.set(name, value);
    outputsByKey.set(service.key, wiring.outputs);
    loaded.push({ key: service.key, wiring, params });
  }
  return loaded;
}
