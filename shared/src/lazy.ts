/**
 * `lazy(create)`: the object `create()` returns, made on its first use instead of at module load, then kept for the
 * life of the environment. Every AWS SDK client of the services is made this way (`documentClient()`, `s3`, `ses`...):
 * a handler imports modules whose clients it may never call (the dead-letter queue's SQS client in every consumer
 * sends only for an event that can never succeed), and making a client resolves its whole configuration (region,
 * credential chain, endpoints, retry strategy), a few milliseconds of a cold start each. Call sites stay as they were
 * (`dynamo.send(...)`), and a client passed on (`createPresignedPost(s3, ...)`) is still an instance of its class.
 *
 * Hand-written: a dozen lines over a Proxy, where a library would add a dependency for the same.
 */
export function lazy<T extends object>(create: () => T): T {
  let instance: T | undefined;
  const target = () => (instance ??= create());
  return new Proxy({} as T, {
    get(_, property) {
      const object = target();
      const value: unknown = Reflect.get(object, property, object);
      // Methods run on the real object: a client's own fields and private state are not the proxy's.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
    set: (_, property, value) => Reflect.set(target(), property, value),
    has: (_, property) => Reflect.has(target(), property),
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
  });
}
