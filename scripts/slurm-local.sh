#!/usr/bin/env bash
# A one-machine Slurm cluster for the tests and CI: munged, slurmctld and slurmd on this machine, no systemd,
# no accounting, everything (config, munge key and socket, state, spool, logs, pid files) under one folder this
# script owns: $SPATIALVLM_SLURM_DIR, default /tmp/spatialvlm-slurm.
#
#   scripts/slurm-local.sh start    write slurm.conf, start the daemons, wait until the node is idle
#   scripts/slurm-local.sh stop     stop the daemons this script started (by their pid files)
#   scripts/slurm-local.sh status   the node's state; exit 0 when it takes jobs
#   scripts/slurm-local.sh env      the line to point Slurm's commands at this cluster
#
# Slurm's commands find this cluster through SLURM_CONF; `start`, `status` and `env` print it as their last line
# (SLURM_CONF=/path/slurm.conf). Needs Debian's slurm-wlm and munge (apt-get install slurm-wlm munge) and root.
set -euo pipefail

dir=${SPATIALVLM_SLURM_DIR:-/tmp/spatialvlm-slurm}
conf=$dir/slurm.conf
ctld_port=${SPATIALVLM_SLURM_PORT:-6817}
node=$(hostname -s)
export SLURM_CONF=$conf

die() { echo "slurm-local: $*" >&2; exit 1; }

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The node's state as sinfo reports it (idle, mix, alloc, down*, drain, ...), empty when slurmctld does not answer.
node_state() { timeout 10 sinfo -h -N -n "$node" -o '%t' 2>/dev/null | head -n1 || true; }

logs() {
  for f in munged.log slurmctld.log slurmd.log; do
    [ -f "$dir/log/$f" ] && { echo "--- $dir/log/$f (last lines)"; tail -n 15 "$dir/log/$f"; }
  done
  return 0
}

write_config() {
  mkdir -p "$dir"/{state,spool,log,run,munge}
  chmod 700 "$dir/munge"
  # This machine as slurmd sees it (CPUs, sockets, cores, memory), under the name slurmd is started with.
  local hw
  hw=$(slurmd -C | head -n1 | sed -e "s/^NodeName=[^ ]*//")
  local tmp=$conf.tmp.$$
  cat >"$tmp" <<EOF
# Written by scripts/slurm-local.sh: a one-machine cluster for tests. Regenerated on every start.
ClusterName=spatialvlm
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire also sets how long a requeued job waits before it may start again (default 120 s).
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobRequeue=1
ReturnToService=2
# Keep finished jobs visible to scontrol for a while (the tests read their end states).
MinJobAge=600
SlurmdTimeout=60
SlurmctldTimeout=60
KillWait=5
NodeName=$node NodeAddr=127.0.0.1$hw State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  mv -f "$tmp" "$conf"
}

start_munge() {
  local key=$dir/munge/munge.key
  if [ ! -s "$key" ]; then
    # A fresh key of this cluster's own (munged reads it; Slurm's daemons and commands talk to this munged only).
    head -c 1024 /dev/urandom >"$key.tmp" && chmod 400 "$key.tmp" && mv -f "$key.tmp" "$key"
  fi
  if running "$dir/run/munged.pid"; then return 0; fi
  rm -f "$dir/munge/munge.socket" "$dir/munge/munge.socket.lock"
  munged --force --key-file="$key" --socket="$dir/munge/munge.socket" --pid-file="$dir/run/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed" \
    || { logs; die "munged did not start"; }
}

start() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null \
    || die "slurmctld, slurmd or munged is not on PATH ($PATH): apt-get install slurm-wlm munge (they go to /usr/sbin)"
  [ "$(id -u)" -eq 0 ] || die "must run as root (the daemons run as root here), not as $(id -un)"
  if running "$dir/run/slurmctld.pid" && running "$dir/run/slurmd.pid"; then
    case "$(node_state)" in idle|mix|alloc|comp) echo "slurm-local: already running"; echo "SLURM_CONF=$conf"; return 0 ;; esac
  fi
  stop_daemons quiet
  write_config
  start_munge
  # -c: start from a clean state (no jobs of an earlier run); -i: ignore unreadable state files.
  slurmctld -c -i -f "$conf" || { logs; die "slurmctld did not start"; }
  slurmd -N "$node" -f "$conf" || { logs; die "slurmd did not start"; }
  local deadline=$((SECONDS + ${SPATIALVLM_SLURM_WAIT:-90})) state=""
  while [ $SECONDS -lt $deadline ]; do
    state=$(node_state)
    case "$state" in
      idle|mix|alloc) echo "slurm-local: node $node is $state (partition debug)"; echo "SLURM_CONF=$conf"; return 0 ;;
      down*|drain*|drng*|fail*) scontrol update nodename="$node" state=resume >/dev/null 2>&1 || true ;;
    esac
    running "$dir/run/slurmctld.pid" || { logs; die "slurmctld exited"; }
    running "$dir/run/slurmd.pid" || { logs; die "slurmd exited"; }
    sleep 1
  done
  logs
  die "node $node did not become idle within ${SPATIALVLM_SLURM_WAIT:-90} s (last state: '${state:-no answer from slurmctld}')"
}

stop_one() {
  local pidfile=$dir/run/$1.pid
  running "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

stop_daemons() {
  stop_one slurmd
  stop_one slurmctld
  stop_one munged
  [ "${1:-}" = quiet ] || echo "slurm-local: stopped"
}

status() {
  local state
  state=$(node_state)
  echo "slurm-local: node $node: ${state:-no answer from slurmctld}"
  echo "SLURM_CONF=$conf"
  case "$state" in idle|mix|alloc|comp) return 0 ;; *) return 1 ;; esac
}

case "${1:-}" in
  start) start ;;
  stop) stop_daemons ;;
  status) status ;;
  env) echo "export SLURM_CONF=$conf" ;;
  *) die "usage: scripts/slurm-local.sh start|stop|status|env" ;;
esac
