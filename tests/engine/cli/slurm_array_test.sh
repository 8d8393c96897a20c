#!/usr/bin/env bash
# A sweep emitted as a Slurm job array runs on a real single-node Slurm and
# merges to the same results.csv as the one-machine sweep (apart from the
# two timing columns); an exploration split into seed ranges merges to the
# same findings.json as one explore over every seed. The test starts its own munged, slurmctld and slurmd
# (private key, socket, ports and state directory, so a Slurm already on
# the machine is not touched) and stops them when it ends, however it ends.
#
#   slurm_array_test.sh LOCKSCOPE SCENARIOS_DIR
#
# Exit 77 (ctest: skipped) with the reason when this machine cannot start
# them: not root, or the Debian packages slurmctld, slurmd, slurm-client and
# munge missing (./lockscope test installs them). docs/cluster.md gives the
# same steps by hand.
set -uo pipefail

lockscope="$1"
scenarios="$2"

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*"; for f in "$work"/log/*.log; do echo "== $f"; tail -n 20 "$f"; done; exit 1; }

for tool in munged slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (Debian: munge slurmctld slurmd slurm-client)"
done
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root to start jobs; run this test as root"

work="$(mktemp -d /tmp/lockscope-slurm.XXXXXX)"
chmod 700 "$work"
mkdir -p "$work"/{state,spool,log,run,munge}
stop() {
  for pidfile in "$work"/run/slurmd.pid "$work"/run/slurmctld.pid "$work"/munge/munged.pid; do
    [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  sleep 1
  rm -rf "$work"
}
trap stop EXIT

# munge: a private key and socket.
head -c 1024 /dev/urandom > "$work/munge/munge.key"
chmod 600 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/log/munged.log" \
  --seed-file="$work/munge/seed" || fail "munged did not start"

# Ports chosen from the process id, away from Slurm's 6817/6818.
port=$((20000 + ($$ % 20000) * 2))
node="$(hostname -s)"
cat > "$work/slurm.conf" <<EOF
ClusterName=lockscope-test
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$node CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld -i -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start"
for _ in $(seq 60); do
  sinfo -h -o %t 2>/dev/null | grep -qx idle && break
  sleep 0.5
done
sinfo -h -o %t | grep -qx idle || fail "the node did not come up idle: $(sinfo 2>&1)"

plan=(--scenario "$scenarios/teaching/bouncing.toml" --locks graph,central --machine laptop-8 --cores 1,2
      --set scenario.duration_us=5,10)
"$lockscope" sweep "${plan[@]}" --jobs 2 --quiet -o "$work/one" || fail "the one-machine sweep failed"
"$lockscope" sweep "${plan[@]}" --emit-jobs "$work/jobs" --emit-slurm >/dev/null || fail "--emit-slurm failed"

timeout 300 sbatch --wait --quiet "$work/jobs/sweep.sbatch" || fail "the job array failed (sbatch --wait)"
rows=$(ls "$work"/jobs/runs | wc -l)
[ "$rows" -eq 8 ] || fail "the array wrote $rows of 8 rows"
"$lockscope" sweep --merge "$work/jobs" --quiet || fail "--merge failed"

# Equal apart from the last two columns, wall_sec and sim_ops_per_wall_sec.
timings=$(head -n 1 "$work/one/results.csv" | awk -F, '{print $(NF-1) "," $NF}')
[ "$timings" = "wall_sec,sim_ops_per_wall_sec" ] || fail "results.csv's last columns are $timings"
drop_timings() { awk -F, -v OFS=, '{NF -= 2; print}' "$1"; }
if ! diff <(drop_timings "$work/one/results.csv") <(drop_timings "$work/jobs/results.csv"); then
  fail "the merged results.csv differs from the one-machine sweep's"
fi

explore=(--scenario "$scenarios/teaching/writer-storm.toml" --lock graph:full:if_writer:polling --seeds 5)
"$lockscope" explore "${explore[@]}" --json "$work/one.json" >/dev/null 2>&1
[ $? -eq 4 ] || fail "the one-machine exploration did not find the missed wakeup"
"$lockscope" explore "${explore[@]}" --seeds-per-job 2 --emit-jobs "$work/explore" --emit-slurm >/dev/null ||
  fail "explore --emit-slurm failed"
timeout 300 sbatch --wait --quiet "$work/explore/explore.sbatch" || fail "the exploration's array failed"
"$lockscope" explore --merge "$work/explore" >/dev/null
[ $? -eq 4 ] || fail "explore --merge did not report the findings"
diff "$work/one.json" "$work/explore/findings.json" || fail "the merged findings differ from one exploration's"
echo "PASSED: 8 runs as a Slurm array of $(grep -c . "$work/jobs/jobs.txt") jobs on $node merged to the one-machine results; 5 seeds in 3 ranges merged to the same findings"
