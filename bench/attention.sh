#!/usr/bin/env bash
# Attention benchmarks in one run: jcomfy's implementations (JMH) and the libtorch peer, with the
# machine load printed beside them (the build machine is shared). Results are summarised by hand
# in bench/RESULTS.md, section "Attention".
#   bench/attention.sh            throughput (S=4096, 12 heads, d=128, 2 threads), memory (1 head, S up to 32760)
#                                 and the other model shapes (T5 with bias, cross-attention, VAE)
#   bench/attention.sh quick      throughput only
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
for d in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
  if [ -n "$d" ] && [ -x "$d/bin/javac" ] && "$d/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then export JAVA_HOME="$d"; break; fi
done
export PATH="$JAVA_HOME/bin:$PATH"
OUT="$ROOT/ascend-backend/target/attention-bench"
mkdir -p "$OUT"

jmh() { mvn -B -q -pl ascend-backend -am -P bench-attention verify -DskipTests -Djmh.args="$*"; }

echo "== load before: $(uptime)"
jmh "AttentionBenchmark -rf json -rff $OUT/throughput.json" | tee "$OUT/throughput.txt"
echo "== load after JMH throughput: $(uptime)"
OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/attention_torch.py --threads 2 --seq 4096 --heads 12 --dim 128 | tee "$OUT/torch.txt"
echo "== load after torch: $(uptime)"
if [ "${1:-}" != "quick" ]; then
  jmh "AttentionMemoryBenchmark -prof gc -rf json -rff $OUT/memory.json" | tee "$OUT/memory.txt"
  echo "== load after JMH memory: $(uptime)"
  jmh "AttentionShapesBenchmark -rf json -rff $OUT/shapes.json" | tee "$OUT/shapes.txt"
  echo "== load after JMH shapes: $(uptime)"
fi
