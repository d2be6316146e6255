import type { NodeCalibration } from "./calibration.ts";
import type { ErrorTable } from "./error-table.ts";
export function renderNodeModelDoc(cal: NodeCalibration, table: ErrorTable): string {
  return "stub\n";
}
