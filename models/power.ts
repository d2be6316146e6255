import type { HardwareProfile } from "./hardware-types.ts";

/** One GPU's power with n queries active: idle with the model resident at n = 0, else the logistic in log2 n. */
export function gpuPowerW(profile: HardwareProfile, n: number): number {
  if (n <= 0) return profile.gpuIdleW;
  const { lowW, highW, log2BatchMid, steepness } = profile.gpuActiveW;
  return lowW + (highW - lowW) / (1 + Math.exp(-steepness * (Math.log2(n) - log2BatchMid)));
}

export interface NodePowerComponentsW {
  readonly gpuW: number;
  readonly hostW: number;
  readonly interconnectW: number;
}

export function nodePowerComponentsW(profile: HardwareProfile, n: number): NodePowerComponentsW {
  return {
    gpuW: profile.gpus * gpuPowerW(profile, n),
    hostW: n > 0 ? profile.hostBusyW : profile.hostIdleW,
    interconnectW: profile.interconnectW,
  };
}

/** P_node(n) = G P_gpu(n) + P_host(n) + P_interconnect (docs/design.md, "Power and energy"). */
export function nodePowerW(profile: HardwareProfile, n: number): number {
  const hostW = n > 0 ? profile.hostBusyW : profile.hostIdleW;
  return profile.gpus * gpuPowerW(profile, n) + hostW + profile.interconnectW;
}
