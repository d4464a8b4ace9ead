"""libtorch peer for the attention benchmark (developer tool; Debian's python3-torch, CPU).

Times softmax(q·kᵀ·scale)·v on the same shape as AttentionBenchmark: torch's
scaled_dot_product_attention where the installed torch has it (2.0+), otherwise
torch.baddbmm + softmax + torch.bmm (torch 1.13, which Debian ships), and says which.
"""
import argparse
import math
import resource
import time

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--seq", type=int, default=4096)
parser.add_argument("--heads", type=int, default=12)
parser.add_argument("--dim", type=int, default=128)
parser.add_argument("--warmup", type=int, default=3)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(0)
s, h, d = args.seq, args.heads, args.dim
scale = 1 / math.sqrt(d)
q = torch.rand(h, s, d) * 2 - 1
k = torch.rand(h, s, d) * 2 - 1
v = torch.rand(h, s, d) * 2 - 1

sdpa = getattr(torch.nn.functional, "scaled_dot_product_attention", None)
if sdpa is not None:
    method = "torch.nn.functional.scaled_dot_product_attention"
    def attention():
        return sdpa(q.unsqueeze(0), k.unsqueeze(0), v.unsqueeze(0))
else:
    method = "torch.baddbmm + softmax + torch.bmm (this torch has no scaled_dot_product_attention)"
    def attention():
        scores = torch.baddbmm(torch.empty(h, s, s), q, k.transpose(1, 2), beta=0, alpha=scale)
        return torch.bmm(torch.softmax(scores, dim=-1), v)

for _ in range(args.warmup):
    attention()
times, cpu = [], []
for _ in range(args.runs):
    t0, c0 = time.perf_counter(), time.process_time()
    attention()
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
times.sort()
cpu.sort()
median, median_cpu = times[len(times) // 2], cpu[len(cpu) // 2]
flops = 4.0 * s * s * h * d
print(f"torch {torch.__version__}, {args.threads} threads, {method}")
print(f"S={s} H={h} d={d}: median {median * 1e3:.1f} ms of {args.runs} runs (best {times[0] * 1e3:.1f} ms),"
      f" {flops / median / 1e9:.1f} GFLOP/s wall, {flops / (median_cpu / args.threads) / 1e9:.1f} GFLOP/s per"
      f" {args.threads} busy cores (CPU {median_cpu * 1e3:.0f} ms),"
      f" peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
