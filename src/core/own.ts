/**
 * Own-property lookups for objects indexed by untrusted strings (spec values, column names, CLI words): `__proto__`,
 * `constructor`, `toString` … must never resolve to something inherited from Object.prototype, and writing them must
 * create an ordinary own property (not replace the prototype). Pure, no Node APIs.
 */
export function hasOwn(o: object | null | undefined, key: PropertyKey): boolean {
  return o !== null && o !== undefined && Object.prototype.hasOwnProperty.call(o, key);
}

/** `o[key]` when it is an own property, else undefined. */
export function ownGet<T>(o: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return hasOwn(o, key) ? o![key] : undefined;
}

/** `o[key] = value` as an own, enumerable property, also for `__proto__`. */
export function ownSet<T>(o: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}
