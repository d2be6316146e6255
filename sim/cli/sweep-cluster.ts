import { resolve } from "node:path";
import { runCount, type Sweep } from "../scenario-file/sweep-file.ts";

/** How the array tasks call inferwatt: this Node and this inferwatt (paths the cluster's nodes must see too), the sweep file and the command's --seed and --set. */
export interface TaskCommand {
  readonly node: string;
  readonly inferwatt: string;
  readonly sweepFile: string;
  readonly outDir: string;
  readonly seed?: number;
  readonly set: readonly string[];
}

/** A word for a POSIX shell, single-quoted where it needs to be. */
export const shellWord = (s: string) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The arguments after `inferwatt` that run task $INDEX_VAR of the sweep. */
function taskArgs(c: TaskCommand, indexVar: string): string {
  const flags = [...(c.seed !== undefined ? ["--seed", String(c.seed)] : []), ...c.set.flatMap((a) => ["--set", a])];
  return [shellWord(c.node), shellWord(c.inferwatt), "sweep", shellWord(resolve(c.sweepFile)), "--index", `"$${indexVar}"`, "--out", shellWord(resolve(c.outDir)), ...flags.map(shellWord)].join(" ");
}

export interface SlurmOptions {
  readonly partition?: string;
  readonly time?: string;
  /** CPUs per task: the run's shards (1 unless --shards). */
  readonly cpus: number;
}

/**
 * The `sbatch --array` script of a sweep: task i runs run i into the shared sweep folder; each task's
 * output in slurm/<i>.out there. `sbatch` the script, then `inferwatt sweep merge DIR`.
 */
export function slurmScript(s: Sweep, c: TaskCommand, o: SlurmOptions): string {
  const lines = [
    "#!/bin/bash",
    `#SBATCH --job-name=inferwatt-${s.name}`,
    `#SBATCH --array=0-${runCount(s) - 1}`,
    `#SBATCH --cpus-per-task=${o.cpus}`,
    `#SBATCH --output=${resolve(c.outDir)}/slurm/%a.out`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    `# inferwatt sweep ${s.file}: ${s.points.length} points x ${s.replications} replication(s); run i is point floor(i / ${s.replications}), replication i mod ${s.replications}`,
    "set -eu",
    `cd ${shellWord(process.cwd())}`,
    `exec ${taskArgs(c, "SLURM_ARRAY_TASK_ID")} --no-tui`,
  ];
  return lines.join("\n") + "\n";
}

export interface K8sOptions {
  /** The container image holding inferwatt (default "inferwatt"). */
  readonly image: string;
  /** Pods at once (default: every run, at most 100). */
  readonly parallelism: number;
}

/**
 * A Kubernetes Indexed Job: pod i runs run i (JOB_COMPLETION_INDEX). The sweep folder and the files
 * must be on a volume every pod mounts at the same path as here: the manifest mounts the persistent
 * volume claim `inferwatt-sweeps` at the current folder; edit it to the cluster's storage.
 */
export function k8sManifest(s: Sweep, c: TaskCommand, o: K8sOptions): string {
  const name = `inferwatt-${s.name}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 52).replace(/-+$/, "");
  const command = `${taskArgs({ ...c, node: "node", inferwatt: "/app/bin/inferwatt.js" }, "JOB_COMPLETION_INDEX")} --no-tui`;
  const q = (v: string) => JSON.stringify(v);
  return [
    `# inferwatt sweep ${s.file}: ${runCount(s)} runs as a Kubernetes Indexed Job; then: inferwatt sweep merge ${resolve(c.outDir)}`,
    "apiVersion: batch/v1",
    "kind: Job",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    "  completionMode: Indexed",
    `  completions: ${runCount(s)}`,
    `  parallelism: ${o.parallelism}`,
    // a failed run is retried once on its own; the others go on (backoffLimitPerIndex: Kubernetes 1.29 and newer)
    "  backoffLimitPerIndex: 1",
    "  template:",
    "    spec:",
    "      restartPolicy: Never",
    "      containers:",
    "        - name: run",
    `          image: ${q(o.image)}`,
    `          workingDir: ${q(process.cwd())}`,
    `          command: ["sh", "-c", ${q(`exec ${command}`)}]`,
    "          resources: { requests: { cpu: \"1\" } }",
    "          volumeMounts:",
    `            - { name: sweeps, mountPath: ${q(process.cwd())} }`,
    "      volumes:",
    "        - name: sweeps",
    "          persistentVolumeClaim: { claimName: inferwatt-sweeps }",
  ].join("\n") + "\n";
}
