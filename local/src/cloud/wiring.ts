import { join } from 'node:path';
import { build } from 'esbuild';
import type { FunctionWiring, RuleWiring, ServiceWiring } from '../definitions/service';
import { scheduledEvent } from '../eventbridge/envelopes';
import type { LambdaRuntime } from '../lambda/runtime';
import { parseSchedule } from '../schedule';
import type { EventBridgeState } from '../servers/eventbridge';
import type { HttpApi } from '../servers/http-api';
import { ROOT } from './account';

export interface Handlers {
  runtime: LambdaRuntime;
  httpApi: HttpApi;
  eventBridge: EventBridgeState;
}

/**
 * Puts every function of the services behind what invokes it in AWS: its bundle in the runtime,
 * its routes on the HTTP API, its rules on the bus, and (when `schedules`) a timer per schedule.
 * Returns the timers, for stop.
 */
export async function wireFunctions(
  services: ServiceWiring[],
  handlers: Handlers,
  { stateDir, schedules }: { stateDir: string; schedules: boolean },
): Promise<NodeJS.Timeout[]> {
  const functions = services.flatMap((wiring) => wiring.functions);
  const outdir = join(stateDir, 'build');
  await bundleFunctions(functions, outdir);
  for (const f of functions) handlers.runtime.register(f, join(outdir, `${f.name}.js`));
  const timers: NodeJS.Timeout[] = [];
  for (const wiring of services) {
    handlers.httpApi.addRoutes(wiring.routes, wiring.cors);
    for (const rule of wiring.rules.filter((r) => r.enabled)) {
      if (!rule.schedule) subscribe(rule, handlers);
      else if (schedules) timers.push(scheduleRule(rule, rule.schedule, handlers.runtime));
    }
  }
  return timers;
}

/** Each function bundled as serverless-esbuild would deploy it. */
async function bundleFunctions(functions: FunctionWiring[], outdir: string): Promise<void> {
  if (functions.length === 0) return;
  await build({
    entryPoints: Object.fromEntries(functions.map((f) => [f.name, f.handlerFile])),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    outdir,
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
}

function subscribe(rule: RuleWiring, { eventBridge, runtime }: Handlers): void {
  eventBridge.addRule({
    name: rule.name,
    busName: rule.busName,
    pattern: rule.pattern ?? {},
    target: (envelope) => runtime.invokeAsync(rule.functionName, rule.input ?? envelope),
  });
}

/** A timer that does not keep the process alive: Ctrl-C or stop() ends the cloud, not the schedule. */
function scheduleRule(rule: RuleWiring, schedule: string, runtime: LambdaRuntime): NodeJS.Timeout {
  const everyMs = parseSchedule(schedule);
  return setInterval(() => runtime.invokeAsync(rule.functionName, scheduledEvent(rule.name)), everyMs).unref();
}
