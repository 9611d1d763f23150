// Copyright 2026 the @aio/tasks authors. MIT license.
// Shared input checks, so every public function words its errors the same way.

/** Renders a value for an error message. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return value.name ? `function ${value.name}` : "a function";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (value === null || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "[]" : `an array of ${value.length}`;
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return name && name !== "Object" ? `an instance of ${name}` : "an object";
}

/** Throws `TypeError` unless `fn` is a function. */
export function checkFunction(action: string, param: string, fn: unknown): void {
  if (typeof fn !== "function") {
    throw new TypeError(
      `Cannot ${action} as '${param}' must be a function: current value is ${show(fn)}`,
    );
  }
}

/**
 * Reads a time in milliseconds: `null`, `undefined` and `Infinity` mean "no limit" (returned as
 * `Infinity`); a negative time is kept (it means "already due"); anything that is not a number
 * throws `TypeError` and `NaN` throws `RangeError`.
 */
export function checkTime(action: string, param: string, value: unknown): number {
  if (value === undefined || value === null) return Infinity;
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot ${action} as '${param}' must be a number of milliseconds: current value is ${
        show(value)
      }`,
    );
  }
  if (Number.isNaN(value)) {
    throw new RangeError(`Cannot ${action} as '${param}' must not be NaN: current value is NaN`);
  }
  return value;
}

/** Throws `TypeError` unless `signal` is `undefined` or an `AbortSignal`. */
export function checkSignal(action: string, signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `Cannot ${action} as 'signal' must be an AbortSignal: current value is ${show(signal)}`,
    );
  }
}

/** Throws `TypeError` unless `value` is iterable. */
export function checkIterable(
  action: string,
  param: string,
  value: unknown,
): asserts value is Iterable<unknown> {
  if (
    value === null || value === undefined ||
    typeof (value as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `Cannot ${action} as '${param}' must be an iterable: current value is ${show(value)}`,
    );
  }
}
