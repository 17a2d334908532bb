#!/usr/bin/env bash
# Spark GPU discovery script for hypernet-spark executors (spark.executor.resource.gpu.
# discoveryScript, or spark.worker.resource.gpu.discoveryScript on a standalone worker).
# Prints Spark's resource JSON, e.g. {"name": "gpu", "addresses": ["0","1"]}, one address per
# GPU this process can use, as the CUDA ordinal the job will open.
#
# nvidia-smi numbers GPUs physically and ignores CUDA_VISIBLE_DEVICES; CUDA numbers only the
# devices listed there, from 0, and stops at the first entry that names no device. So when
# CUDA_VISIBLE_DEVICES is set, the addresses are the positions of its valid leading entries
# (indexes, GPU-… UUIDs or MIG-… names); when it is empty, there are none.
set -euo pipefail

if ! gpus=$(nvidia-smi --query-gpu=index,uuid --format=csv,noheader 2>&1); then
  echo "gpu-discovery.sh: nvidia-smi failed: $gpus" >&2
  exit 1
fi

trim() { local s="$1"; s="${s#"${s%%[![:space:]]*}"}"; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

# True if $1 (a CUDA_VISIBLE_DEVICES entry) names a device nvidia-smi lists.
names_a_device() {
  local entry="$1" index uuid
  if [[ "$entry" == MIG-* ]]; then
    nvidia-smi -L | grep -qF "$entry"
    return
  fi
  while IFS=, read -r index uuid; do
    index=$(trim "$index"); uuid=$(trim "$uuid")
    # CUDA also accepts a unique prefix of a UUID.
    if [[ -n "$index" && ( "$entry" == "$index" || "$uuid" == "$entry"* ) ]]; then
      return 0
    fi
  done <<< "$gpus"
  return 1
}

addresses=()
if [[ -z "${CUDA_VISIBLE_DEVICES+set}" ]]; then
  while IFS=, read -r index _; do
    index=$(trim "$index")
    [[ -n "$index" ]] && addresses+=("\"$index\"")
  done <<< "$gpus"
elif [[ -n "$CUDA_VISIBLE_DEVICES" ]]; then
  IFS=, read -ra visible <<< "$CUDA_VISIBLE_DEVICES"
  for entry in "${visible[@]}"; do
    entry=$(trim "$entry")
    names_a_device "$entry" || break
    addresses+=("\"${#addresses[@]}\"")
  done
fi

joined=$(IFS=,; printf '%s' "${addresses[*]:-}")
printf '{"name": "gpu", "addresses": [%s]}\n' "$joined"
