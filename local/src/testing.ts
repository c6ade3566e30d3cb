// Compatibility for the service tests and scripts that still import this file by relative path:
// it goes once they import `@charter/local/testing` and `@charter/local/fixtures` instead.
export * from './testing/index';
export { bookingInput, marinaDate } from './fixtures';
