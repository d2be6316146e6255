import os from "node:os";

/** The machine a benchmark line was measured on, as every line of bench/results.jsonl names it. */
export const MACHINE = `${os.cpus()[0]?.model ?? "cpu"} x${os.availableParallelism()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
