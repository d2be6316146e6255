export { ScenarioError, type Problem } from "./errors.ts";
export { scenarioJsonSchema } from "./json-schema.ts";
export { loadScenario, parseScenario, type LoadOptions } from "./load.ts";
export { applySet } from "./set.ts";
export type * from "./types.ts";
