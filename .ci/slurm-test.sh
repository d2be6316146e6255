#!/usr/bin/env bash
# A real single-node Slurm cluster runs a small sweep as a job array; its merged points must equal the
# local sweep's byte for byte. Started by .ci/run (needs root: it installs Debian's slurmctld, slurmd,
# slurm-client and munge when missing, and starts munged and the two Slurm daemons without systemd,
# their state, spool, sockets and logs in a temporary folder). Stops exactly the daemons it started.
# Writes its result as node_modules/.cache/inferwatt/slurm.json (numPassedTests, numFailedTests), which
# .ci/run adds to the vitest counts. Usage: bash .ci/slurm-test.sh (from anywhere; needs dist/ built).
set -u
cd "$(dirname "$0")/.."
REPO=$(pwd)
REPORT=node_modules/.cache/inferwatt/slurm.json
mkdir -p "$(dirname "$REPORT")"
rm -f "$REPORT"
T=$(mktemp -d /tmp/inferwatt-slurm-XXXXXX)
PIDS=()
started=$(date +%s)

result() {
  # $1: passed (1/0); the rest: why
  local ok=$1; shift
  if [ "$ok" = 1 ]; then echo '{"numPassedTests":1,"numFailedTests":0}' >"$REPORT"; echo "slurm test: passed ($(( $(date +%s) - started )) s)"
  else echo '{"numPassedTests":0,"numFailedTests":1}' >"$REPORT"; echo "slurm test: FAILED: $*" >&2
    for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }; done
  fi
}

stop_daemons() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$T"
}
trap stop_daemons EXIT

fail() { result 0 "$@"; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" = 0 ] || fail "slurm and munge are not installed and this is not root"
  echo "installing slurmctld slurmd slurm-client munge"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge) >"$T/apt.log" 2>&1 || fail "apt-get install failed"
fi

# munge: its own key, socket, pid, log and seed in $T (root needs --force)
mkdir -p "$T/munge" && chmod 755 "$T/munge"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none && chmod 400 "$T/munge/munge.key"
munged -F --force --socket="$T/munge/munge.socket" --key-file="$T/munge/munge.key" --pid-file="$T/munge/munged.pid" \
  --log-file="$T/munged.log" --seed-file="$T/munge/munged.seed" >>"$T/munged.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$T/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$T/munge/munge.socket" ] || fail "munged did not start"

# one node, this machine; ports away from a real cluster's 6817/6818
HOST=$(hostname -s)
mkdir -p "$T/state" "$T/spool"
cat >"$T/slurm.conf" <<CONF
ClusterName=inferwatt-ci
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.socket
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=600
NodeName=$HOST CPUs=$(nproc) State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$T/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >>"$T/slurmctld.log" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" >>"$T/slurmd.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do sinfo -h -o %T 2>/dev/null | grep -Eq '^(idle|mixed|allocated)' && break; sleep 0.1; done
sinfo -h -o %T 2>/dev/null | grep -Eq '^(idle|mixed|allocated)' || fail "the node did not come up: $(sinfo 2>&1 | tail -1)"
echo "slurm up in $(( $(date +%s) - started )) s"

# a small sweep: two points x two replications of small.yaml, a simulated minute each
cat >"$T/sweep.yaml" <<YAML
name: ci
base: $REPO/scenarios/small.yaml
set: [duration=1m, timeseries_interval=30s]
replications: 2
grid: { facility.pue: [1.1, 1.3] }
YAML
node bin/inferwatt.js sweep "$T/sweep.yaml" --out "$T/local" --no-tui >"$T/local.log" 2>&1 || fail "the local sweep failed: $(tail -3 "$T/local.log")"
node bin/inferwatt.js sweep "$T/sweep.yaml" --out "$T/cluster" --slurm >"$T/slurm-script.log" 2>&1 || fail "--slurm failed: $(cat "$T/slurm-script.log")"
job=$(sbatch --parsable "$T/cluster/sweep.sbatch" 2>"$T/sbatch.log") || fail "sbatch failed: $(cat "$T/sbatch.log")"
echo "submitted job array $job"
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 0.2
done
[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && true || fail "the array did not finish in 120 s: $(squeue 2>&1)"
# every task's own state and exit code (kept MinJobAge seconds after the end)
states=$(scontrol -o show job "$job" | grep -o 'JobState=[A-Z_]* .*ExitCode=[0-9:]*' | sed -E 's/JobState=([A-Z_]+).*ExitCode=([0-9:]+)/\1 \2/' | sort | uniq -c)
tasks_ok=$(scontrol -o show job "$job" | grep -c 'JobState=COMPLETED .*ExitCode=0:0')
[ "$tasks_ok" = 4 ] || fail "expected 4 tasks COMPLETED with exit 0, got: $states; task output: $(cat "$T"/cluster/slurm/*.out 2>/dev/null | tail -5)"
node bin/inferwatt.js sweep merge "$T/cluster" >"$T/merge.log" 2>&1 || fail "merge failed: $(cat "$T/merge.log")"
head -1 "$T/merge.log" | grep -qx "4 of 4 runs done" || fail "merge: $(cat "$T/merge.log")"
cmp -s "$T/cluster/points.json" "$T/local/points.json" || fail "points.json of the array differs from the local sweep's"
cmp -s "$T/cluster/points.csv" "$T/local/points.csv" || fail "points.csv of the array differs from the local sweep's"
result 1
