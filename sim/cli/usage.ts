// Every command's help text, apart from the commands themselves: `inferwatt`, `inferwatt help` and a
// command's --help print it without loading the command (ink, react, zod, the report writers).
import { reflowUsage } from "./help-text.ts";

export const RUN_USAGE = `inferwatt run <scenario.yaml> [--out DIR] [--seed N] [--set key.path=value ...] [--shards N] [--no-tui] [--verbose] [--force]

  Simulates the scenario (in a worker thread) and writes results/<name>-<UTC\u00a0time>/ (or --out DIR, which
  must be new or empty): manifest.json, summary.json, timeseries.csv, classes.csv, energy_quantiles.csv,
  report.html, run.log. On a terminal a live view shows the run; Ctrl+C stops it early, writes partial
  results marked incomplete and exits with 130.
  --seed N      replaces the scenario's seed
  --set k=v     overrides one key (repeatable), e.g. --set\u00a0pools.0.nodes=500 --set\u00a0duration=1h;
                a list item by index or by name: --set\u00a0pools.llama-405b.nodes=500
  --shards N    splits the fleet into N shards (each a 1/N share of every pool's nodes and of the
                arrivals) simulated in parallel worker threads and merged; routing happens within a
                shard. Meant for fleets of thousands of nodes (there, within 0.01 % of one run);
                use as many shards as the machine has cores
  --no-tui      plain progress lines instead of the live view (also without a TTY, or with CI set)
  --verbose     also print the run's log (NDJSON) on stderr; implies --no-tui
  --force       write into an --out folder that is not empty (the run's files replace same-named ones)`;

export const COMPARE_USAGE = `inferwatt compare <a.yaml> <b.yaml> ... [--out DIR] [--seed N] [--set key.path=value ...] [--shards N] [--no-tui] [--verbose] [--force]

  Runs the scenarios side by side in worker threads (as many at once as the machine has cores), then
  prints a table of each one's figures and its ratio to the first. Writes results/compare-<UTC\u00a0time>/
  (or --out DIR, which must be new or empty): a results folder per scenario, comparison.csv,
  comparison.json, comparison.md and report.html (charts, no network needed).
  --seed N      replaces every scenario's seed
  --set k=v     overrides one key in every scenario (repeatable), e.g. --set\u00a0duration=2h
  --shards N    splits each scenario's fleet into N shards run in parallel (see inferwatt run); the
                scenarios then run cores / N at a time
  --no-tui      plain progress lines instead of the live view (also without a TTY, or with CI set)
  --verbose     also print the runs' logs (NDJSON) on stderr; implies --no-tui
  --force       write into an --out folder that is not empty (same-named files are replaced)`;

export const VALIDATE_USAGE = `inferwatt validate <scenario.yaml> [--set key.path=value ...]

  Reads the scenario as run would (with the --set overrides) and checks it: every problem with its file,
  key and what was expected, exit 2; or one line saying what it holds. Runs nothing.`;

export const SIZE_USAGE = `inferwatt size <scenario.yaml> [--utilization U] [--set k=v ...]

  Nodes per pool that serve the scenario's peak hour with the offered work at U (default 0.8) of what
  the nodes deliver at full batch: ceil(peak queries/s x mean work per query / U).`;

export const SCHEMA_USAGE = `inferwatt schema [--sweep]

  Prints the JSON Schema of scenario files (also in scenarios/scenario.schema.json), for editors that
  complete and check YAML; with --sweep, that of sweep files (scenarios/sweep.schema.json).`;

export const PAPER_USAGE = `inferwatt paper [--params joule|v1] [--samples N] [--seed N] [--input-tokens N] [--power-proportional] [--json]

  The bottom-up estimator of Oviedo et al., "Energy Use of AI Inference" (2025/2026), reproduced.
  --params              joule (journal version, 0.31 Wh; default) or v1 (arXiv v1, 0.34 Wh)
  --samples N           Monte Carlo samples per model and regime (default 10000, the paper's)
  --seed N              seed of every random stream (default 42)
  --input-tokens N      sensitivity: N input tokens instead of 500, charged at 1/30 of an output token
  --power-proportional  sensitivity: PU = 0.24 + 0.56 min(TPS / TPS_max, 1) instead of a log-normal draw
  --json                print one JSON object instead of tables`;

export const NODE_USAGE = `inferwatt node --model <catalog name> --hardware <profile name> [--precision bf16|fp8|fp4] [--tp N] [--batch 1,16,64,128,256] [--context 1024] [--prompt 2048] [--kv-precision bf16|fp8] [--json]

  One node from first principles (docs/node-model.md): per batch size at the context, the decode step, the node's output tokens/s, W per GPU and per node (GPUs + host + network from the profile), J per output token, and whether the batch's KV cache fits; then the prefill of one prompt. The KV capacity is counted in sequences of --context tokens. Beside each, the shipped H100 measurement of the same model, precision, tp and batch, where there is one.
  --model NAME          a model of models/data/catalog (e.g. llama-3.1-70b, deepseek-v3)
  --hardware NAME       a hardware profile with a gpu: block (h100-sxm-8x, h200-sxm-8x, b200-8x)
  --precision P         weights: bf16, fp8 or fp4 (default: the model's published precision)
  --tp N                tensor-parallel GPUs per replica (default: the fewest, a power of two, whose KV cache holds the largest batch)
  --batch LIST          running sequences, comma-separated (default 1,16,64,128,256)
  --context N           tokens of context per sequence (default 1024)
  --prompt N            tokens of the prompt prefilled (default 2048)
  --kv-precision P      KV cache: bf16 (default, vLLM's unless told) or fp8
  --json                print one JSON object instead of tables`;

export const PLAN_USAGE = `inferwatt plan <scenario.yaml> --slo <metric>_p99[:<class>]=<seconds> ... [--vary KEY[=v1,v2,...]] [--json] [--verify-below] [--jobs N] [--out DIR] [--seed N] [--set key.path=value ...] [--no-tui] [--verbose] [--force]

  Searches, per pool, the fewest nodes (the least facility energy of a fixed fleet) that meet every
  latency target in the peak hour, by simulation: each candidate is one pool alone over a warm-up and the
  hour around the daily peak, in worker threads on every core; a bracketing search from inferwatt size's counts, the
  chosen count checked on a second seed and the count below it failing. Then the chosen fleet runs the
  full scenario. Writes results/plan-<name>-<UTC\u00a0time>/: tried.csv, tried.json, plan.json,
  planned.yaml (runnable with inferwatt run), report.html (the energy-latency frontier), verify-chosen/.
  An unreachable target exits 0 with feasible: false and why (docs/command-line.md#inferwatt-plan).
  --slo M=S       a p99 target in seconds (repeatable): ttft_p99, e2e_p99, wait_p99, tpot_p99 (physical
                  node only); per class: --slo\u00a0e2e_p99:traditional=60
  --vary K[=V,...]  also choose, per pool, the value of key K of least energy that meets the targets
                    (the count searched for each): max_batch (default: the pool's own and powers of two
                    below it down to 16), autoscale.target_utilization (default 0.5,0.6,0.7,0.8,0.9; an
                    autoscaled pool's nodes are the ceiling of its autoscaler; without --vary it keeps
                    its own target); repeatable for both
  --json          print { feasible, chosen: { pools, gwh_per_day, latency }, tried } instead of text
  --verify-below  also run the fleet one step below the chosen counts on the full scenario
  --jobs N        simulations at once (default: the machine's cores); the plan is the same for any N
  --seed N, --set k=v, --out DIR, --no-tui, --verbose, --force: as for inferwatt run`;

export const SWEEP_USAGE = `inferwatt sweep <sweep.yaml> [--out DIR] [--jobs N] [--seed N] [--set key.path=value ...] [--index I | --slurm [--partition P] [--time T] | --k8s [--image IMAGE]] [--yes] [--no-tui] [--verbose] [--force]
inferwatt sweep merge DIR

  Runs every point of a sweep file (a base scenario and a grid, one_at_a_time or sample over key paths,
  docs/sweeps.md) in worker threads, with the live view of compare, and writes results/<name>-<UTC time>/
  (or --out DIR): a results folder per run in points/, points.csv, points.json, report.html, sweep.json.
  --jobs N      runs at once (default: the machine's cores / --shards)
  --seed N      replaces the base seed; replication k of every point runs with seed + k
  --set k=v     overrides one key of every point (repeatable), e.g. --set duration=1h
  --index I     runs run I alone into --out DIR, a folder the runs share (a Slurm array task:
                --index $SLURM_ARRAY_TASK_ID; a Kubernetes Indexed Job: $JOB_COMPLETION_INDEX)
  --slurm       writes DIR/sweep.sbatch, the sbatch --array script, and prints how to submit it
  --k8s         writes DIR/sweep-job.yaml, a Kubernetes Indexed Job
  --yes         runs a sweep of more than 10,000 runs
  sweep merge DIR writes points.csv, points.json and report.html from the runs in DIR; missing
  and failed runs are listed, not fatal.`;

/** Each command's help: its usage line, then what it does and its flags. */
export const HELP: Record<string, string> = {
  run: RUN_USAGE,
  compare: COMPARE_USAGE,
  validate: VALIDATE_USAGE,
  size: SIZE_USAGE,
  schema: SCHEMA_USAGE,
  paper: PAPER_USAGE,
  node: NODE_USAGE,
  sweep: SWEEP_USAGE,
  plan: PLAN_USAGE,
};

/** What `inferwatt` alone prints: the commands, in a screen's height. */
export const OVERVIEW = `inferwatt: the energy of serving large language models at fleet scale

  inferwatt run <scenario.yaml>          simulate a fleet, with a live view
  inferwatt compare <a.yaml> <b.yaml>    scenarios side by side, and a report
  inferwatt validate <scenario.yaml>     check a scenario, run nothing
  inferwatt size <scenario.yaml>         nodes per pool for the peak hour
  inferwatt plan <scenario.yaml> --slo   least energy within latency targets
  inferwatt schema                       print the scenario JSON Schema
  inferwatt paper                        the paper's estimator, reproduced
  inferwatt node --model M --hardware H  one node from first principles
  inferwatt sweep <sweep.yaml>           a scenario at many points, or on Slurm
  inferwatt help [command]               every command's flags, or one command's`;

/** `inferwatt help`: the overview, then every command's help. */
export const USAGE = `${OVERVIEW}

${Object.values(HELP)
  .map((usage) => reflowUsage(usage))
  .join("\n\n")}`;
