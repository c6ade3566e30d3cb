export * from './primitives';
export * from './booking-created';
export * from './guest-page-published';
export * from './event-created';
export * from './calendar-updated';
export * from './crew-notified';
export * from './catalog';
export * from './json-schema';
