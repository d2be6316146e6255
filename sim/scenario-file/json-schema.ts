import { z } from "zod";
import { hardwareOverrideKeys } from "../../models/hardware.ts";
import { rawScenarioSchema } from "./schema.ts";

type Node = Record<string, unknown>;

/** What any number of a scenario may be instead: an uncertain one (fixed before validation, so any bound applies to its median or draw). */
const UNCERTAIN: Node = {
  type: "object",
  description: "an uncertain number: a log-normal by its 5th and 95th percentiles; one run takes its median sqrt(p5 p95), replications draw it",
  properties: {
    lognormal: {
      type: "object",
      properties: { p5: { type: "number", exclusiveMinimum: 0 }, p95: { type: "number", exclusiveMinimum: 0 } },
      required: ["p5", "p95"],
      additionalProperties: false,
    },
  },
  required: ["lognormal"],
  additionalProperties: false,
};

const UNCERTAIN_REF: Node = { $ref: "#/$defs/uncertain" };

/** Keys whose `{ lognormal }` is a distribution of token counts, not an uncertain number. */
const DISTRIBUTION_KEYS = new Set(["input_tokens", "output_tokens"]);

/**
 * The JSON Schema of scenario files as written (keys with defaults are optional), for editors and
 * `inferwatt schema`. From the zod schema, with what zod does not see: any number may be uncertain
 * (`{ lognormal: { p5, p95 } }`, replaced by a value before zod validates), and the keys a hardware
 * override `{ base: name, ... }` may set (checked when the profile is resolved).
 */
export function scenarioJsonSchema(): object {
  const schema = z.toJSONSchema(rawScenarioSchema, { io: "input" }) as Node;
  const out = withHardwareKeys(anyNumberUncertain(schema, "")) as Node;
  return { ...out, $defs: { ...((out.$defs as Node | undefined) ?? {}), uncertain: UNCERTAIN } };
}

function isUncertainAlternative(n: unknown): boolean {
  return typeof n === "object" && n !== null && (n as Node).type === "object" && "lognormal" in (((n as Node).properties as Node | undefined) ?? {});
}

/** Every number becomes "that number, or an uncertain one" (but a token length's own log-normal stays a distribution). */
function anyNumberUncertain(node: unknown, key: string): unknown {
  if (Array.isArray(node)) return node.map((n) => anyNumberUncertain(n, key));
  if (typeof node !== "object" || node === null) return node;
  const n = node as Node;
  // a length's own { lognormal } is its distribution; the numbers of its other forms may be uncertain
  if (DISTRIBUTION_KEYS.has(key) && Array.isArray(n.anyOf))
    return { ...n, anyOf: n.anyOf.map((alt) => (isUncertainAlternative(alt) ? alt : anyNumberUncertain(alt, ""))) };
  if (n.type === "number" || n.type === "integer") return { anyOf: [n, UNCERTAIN_REF] };
  // zod's own uncertain unions (pue, efficiency): their number plus the general alternative
  if (Array.isArray(n.anyOf) && n.anyOf.some(isUncertainAlternative)) {
    const { anyOf, ...rest } = n;
    const plain = (anyOf as unknown[]).filter((a) => !isUncertainAlternative(a));
    return { ...rest, anyOf: [...plain, UNCERTAIN_REF] };
  }
  const out: Node = {};
  for (const [k, v] of Object.entries(n)) {
    if (k === "properties" && typeof v === "object" && v !== null) {
      out[k] = Object.fromEntries(Object.entries(v as Node).map(([pk, pv]) => [pk, anyNumberUncertain(pv, pk)]));
    } else out[k] = anyNumberUncertain(v, key);
  }
  return out;
}

/** The `{ base: name, ... }` hardware alternative lists the keys an override may set (was any key). */
function withHardwareKeys(schema: unknown): object {
  const { fields, gpuActive } = hardwareOverrideKeys();
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== "object" || node === null) return node;
    const n = node as Node;
    const props = n.properties as Node | undefined;
    if (n.type === "object" && props && "base" in props && Object.keys(props).length === 1) {
      const keyed = (entries: [string, string][]) => Object.fromEntries(entries.map(([k, what]) => [k, { description: what }]));
      return {
        ...n,
        properties: {
          base: props.base,
          ...keyed(fields),
          gpu_active_w: { type: "object", properties: keyed(gpuActive), additionalProperties: false },
          sources: { type: "object", description: "where the overridden values come from, by key" },
        },
        additionalProperties: false,
      };
    }
    return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, visit(v)]));
  };
  return visit(schema) as object;
}
