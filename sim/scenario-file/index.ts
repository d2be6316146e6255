export { ScenarioError, type Problem } from "../scenario/errors.ts";
export { scenarioJsonSchema } from "./json-schema.ts";
export { loadScenario, parseScenario, type LoadOptions } from "./load.ts";
export { applySet } from "./set.ts";
export type * from "../scenario/types.ts";
