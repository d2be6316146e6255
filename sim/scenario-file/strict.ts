import { z } from "zod";

const PREFIX = "known keys: ";

/**
 * An object schema that rejects unknown keys. Its unknown-key issue carries the keys it knows,
 * so the error can say "did you mean" without walking the schema again.
 */
export function strict<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = PREFIX + Object.keys(shape).join(", ");
  return z.strictObject(shape, { error: (issue) => (issue.code === "unrecognized_keys" ? known : undefined) });
}

/** The keys a `strict` object knows, read back from its unknown-key issue's message. */
export function knownKeysOf(message: string): string[] {
  return message.startsWith(PREFIX) ? message.slice(PREFIX.length).split(", ") : [];
}
