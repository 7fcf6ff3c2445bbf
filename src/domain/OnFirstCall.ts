/**
 * A function built on its first call rather than where it is declared.
 *
 * A parser such as `Schema.decodeUnknown(Rows)` is compiled when it is made:
 * made at a module's top level, it is compiled by every import of logbook,
 * for paths a process may never take. Wrapped here, it is compiled by the
 * first call, then kept.
 *
 * @module
 */

/** A function that builds `make()` at its first call, then calls it; later calls call the kept function. */
export const onFirstCall = <I, R>(make: () => (input: I) => R): (input: I) => R => {
  let made: ((input: I) => R) | undefined
  return (input) => (made ??= make())(input)
}
