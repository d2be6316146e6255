import { z } from "zod";
import { rawScenarioSchema } from "./schema.ts";

/** The JSON Schema of scenario files as written (keys with defaults are optional), for editors and `inferwatt schema`. */
export function scenarioJsonSchema(): object {
  return z.toJSONSchema(rawScenarioSchema, { io: "input" });
}
