#!/usr/bin/python3
"""Writes testdata/cache-traces/: what EasyCache, LazyCache and TeaCache decide on a recorded run.

Developer tool only (Debian python3-torch and numpy), run by hand; the files it writes are test data
for nodes/src/test/java/org/jcomfy/nodes/acceleration/CacheReferenceTraceTest.java.

The three decision rules are re-implemented here from their published sources, not from jcomfy:
  - EasyCache and LazyCache: ComfyUI core, comfy_extras/nodes_easycache.py (easycache_forward_wrapper,
    lazycache_predict_noise_wrapper and the two holders), with torch float32 arithmetic as there.
  - TeaCache: the Wan2.1 port, TeaCache4Wan2.1/teacache_generate.py (spec/ANCHORS.md §3.4), plus the
    start_step / end_step window of jcomfy's node (WanVideoWrapper's knob): steps outside it are treated
    like the port's forced steps (computed, the sum restarts).

The recorded run (no model: seeded smooth tensors): per sampler step the sigma, the latent x, and
the model's velocity for the cond and uncond branches. x follows an Euler trajectory of the uncached
guided prediction, so the inputs do not depend on what a cache decides; the velocities drift from
step to step by varying amounts so that some calls are reused and some computed. For TeaCache the
recorded inputs are stand-ins for the timestep embedding e (or its projection e0) per step.

ComfyUI evaluates cond and uncond in one batched model call ([cond, uncond], cond first): the
EasyCache reference does the same, so its norm covers both halves and the cond half decides.

Run from the repository root:  /usr/bin/python3 tools/make_cache_traces.py
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_demo import write_safetensors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "testdata", "cache-traces")

SHIFT = 5.0
CFG = 5.0
STEPS = 16
SHAPE = (1, 2, 1, 16, 16)  # Wan latent layout [B, C, T, H, W]; subsampled 8x on H and W
SUBSAMPLE = 8

DIM = 48  # stand-in width of e; e0 is 6 x DIM

# A decision whose compared value lies this close (relative) to its threshold would depend on
# rounding; the recorded run is chosen so that none does.
MARGIN = 1e-3


def time_snr_shift(alpha, t):
    return alpha * t / (1 + (alpha - 1) * t)


def percent_to_sigma(percent):
    """ModelSamplingDiscreteFlow.percent_to_sigma."""
    if percent <= 0.0:
        return 1.0
    if percent >= 1.0:
        return 0.0
    return time_snr_shift(SHIFT, 1.0 - percent)


def schedule(steps):
    t = torch.linspace(1.0, 0.0, steps + 1, dtype=torch.float32)
    return time_snr_shift(SHIFT, t)


def smooth_field(gen):
    """A sum of a few low-frequency waves over the last two dimensions, per channel."""
    _, c, f, h, w = SHAPE
    yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    out = torch.zeros(SHAPE)
    for ch in range(c):
        for _ in range(3):
            ky, kx, phase = torch.rand(3, generator=gen) * torch.tensor([0.5, 0.5, 6.28])
            amp = torch.randn(1, generator=gen)
            out[0, ch, :] += amp * torch.cos(ky * yy + kx * xx + phase)
    return out


def recorded_run():
    """sigmas, x per step, cond and uncond velocity per step."""
    gen = torch.Generator().manual_seed(9)
    sigmas = schedule(STEPS)
    # How far the velocities move at each step: mostly small drifts, a few jumps.
    drift = [0.02, 0.3, 0.02, 0.03, 0.02, 0.4, 0.01, 0.02, 0.05, 0.5, 0.02, 0.01, 0.3, 0.02, 0.02, 0.02]
    base = {b: smooth_field(gen) for b in ("cond", "uncond")}
    direction = {b: [smooth_field(gen) for _ in range(STEPS)] for b in ("cond", "uncond")}
    x = torch.randn(SHAPE, generator=gen) * 0.2 + smooth_field(gen)
    xs, vc, vu = [], [], []
    v = {b: base[b].clone() for b in base}
    for i in range(STEPS):
        for b in v:
            v[b] = v[b] + drift[i] * direction[b][i]
        xs.append(x.clone())
        vc.append(v["cond"].clone())
        vu.append(v["uncond"].clone())
        s = sigmas[i]
        guided = cfg(x - v["uncond"] * s, x - v["cond"] * s)
        # Euler on the denoised prediction: x + (sigma_next - sigma) * (x - denoised) / sigma
        x = x + (sigmas[i + 1] - s) * (x - guided) / s
    return sigmas, torch.stack(xs), torch.stack(vc), torch.stack(vu)


def cfg(uncond, cond):
    """comfy.samplers.cfg_function without a custom cfg function."""
    return uncond + (cond - uncond) * CFG


def subsample(t):
    return t[..., ::SUBSAMPLE, ::SUBSAMPLE]


def mean_abs(t):
    return t.flatten().abs().mean()


def num(v):
    """A state value for the trace: None stays None, tensors become python floats."""
    return None if v is None else float(v)


# ----------------------------------------------------------------------------- EasyCache


class EasyCacheRef:
    """EasyCacheHolder and easycache_forward_wrapper for one batched [cond, uncond] call per step."""

    def __init__(self, threshold, start_percent, end_percent):
        self.threshold = threshold
        self.start_t = percent_to_sigma(start_percent)
        self.end_t = percent_to_sigma(end_percent)
        self.rate = None                 # relative_transformation_rate
        self.cumulative = 0.0
        self.started = False             # first_cond_uuid is set (initial_step done)
        self.x_prev = None
        self.out_prev = None
        self.out_prev_norm = None
        self.diff = None                 # per-row cache diff of the batch

    def call(self, sigma, x_batch, model_output):
        """Returns (computed, compared, output): compared is the cumulative value tested, or None."""
        if not sigma > self.end_t:
            return True, None, model_output
        if sigma <= self.start_t:
            self.started = True
        decides = self.started
        input_change = None
        compared = None
        if sigma <= self.start_t:
            can_apply = self.diff is not None
            if self.x_prev is not None:
                input_change = mean_abs(subsample(x_batch[:1]) - self.x_prev)
            if self.out_prev_norm is not None and self.rate is not None:
                self.cumulative = self.cumulative + self.rate * input_change / self.out_prev_norm
                compared = self.cumulative
                if self.cumulative < self.threshold and can_apply:
                    return False, compared, x_batch + self.diff
                self.cumulative = 0.0
        output = model_output
        if decides and self.out_prev_norm is not None:
            output_change = mean_abs(subsample(output[:1]) - self.out_prev)
            if input_change is not None:
                self.rate = output_change / input_change
        self.diff = output - x_batch
        if decides:
            self.x_prev = subsample(x_batch[:1]).clone()
            self.out_prev = subsample(output[:1]).clone()
            self.out_prev_norm = mean_abs(output)
        return True, compared, output

    def state(self):
        return {"cumulative": num(self.cumulative), "rate": num(self.rate), "norm": num(self.out_prev_norm)}


# ----------------------------------------------------------------------------- LazyCache


class LazyCacheRef:
    """LazyCacheHolder and lazycache_predict_noise_wrapper: one decision per sampler call on the guided x0."""

    def __init__(self, threshold, start_percent, end_percent):
        self.threshold = threshold
        self.start_t = percent_to_sigma(start_percent)
        self.end_t = percent_to_sigma(end_percent)
        self.rate = None
        self.cumulative = 0.0
        self.x_prev = None
        self.out_prev = None
        self.out_prev_norm = None
        self.diff = None

    def call(self, sigma, x, denoised):
        if not sigma > self.end_t:
            return True, None, denoised
        input_change = None
        compared = None
        if sigma <= self.start_t and self.x_prev is not None:
            input_change = mean_abs(subsample(x) - self.x_prev)
            if self.out_prev_norm is not None and self.rate is not None:
                self.cumulative = self.cumulative + self.rate * input_change / self.out_prev_norm
                compared = self.cumulative
                if self.cumulative < self.threshold:
                    return False, compared, x + self.diff
                self.cumulative = 0.0
        output = denoised
        if self.out_prev_norm is not None:
            output_change = mean_abs(subsample(output) - self.out_prev)
            if input_change is not None:
                self.rate = output_change / input_change
        self.diff = output - x
        self.x_prev = subsample(x).clone()
        self.out_prev = subsample(output).clone()
        self.out_prev_norm = mean_abs(output)
        return True, compared, output

    def state(self):
        return {"cumulative": num(self.cumulative), "rate": num(self.rate), "norm": num(self.out_prev_norm)}


# ----------------------------------------------------------------------------- TeaCache


COEFFICIENTS = {  # TeaCache4Wan2.1, highest degree first (numpy.poly1d)
    ("1.3B", "e"): [2.39676752e+03, -1.31110545e+03, 2.01331979e+02, -8.29855975e+00, 1.37887774e-01],
    ("14B", "e"): [-5784.54975374, 5449.50911966, -1811.16591783, 256.27178429, -13.02252404],
    ("1.3B", "e0"): [-5.21862437e+04, 9.23041404e+03, -5.28275948e+02, 1.36987616e+01, -4.99875664e-02],
    ("14B", "e0"): [-3.03318725e+05, 4.90537029e+04, -2.65530556e+03, 5.87365115e+01, -3.15583525e-01],
}


def teacache_ref(indicators, threshold, coefficients, use_ret_steps, start_step, end_step):
    """The port's even/odd call counter over [cond, uncond] calls per step; returns per call
    (computed, compared, accumulated after the call)."""
    steps = indicators.shape[0]
    ret_steps = (5 if use_ret_steps else 1) * 2
    cutoff_steps = steps * 2 if use_ret_steps else steps * 2 - 2
    last_window_step = end_step if end_step >= 0 else steps + end_step
    rescale = np.poly1d(coefficients)
    accumulated = {0: 0.0, 1: 0.0}
    previous = {0: None, 1: None}
    calls = []
    for cnt in range(steps * 2):
        parity, step = cnt % 2, cnt // 2
        m = indicators[step]
        compared = None
        if cnt < ret_steps or cnt >= cutoff_steps or step < start_step or step > last_window_step:
            computed = True
            accumulated[parity] = 0.0
        else:
            d = ((m - previous[parity]).abs().mean() / previous[parity].abs().mean()).cpu().item()
            accumulated[parity] += rescale(d)
            compared = accumulated[parity]
            computed = not accumulated[parity] < threshold
            if computed:
                accumulated[parity] = 0.0
        previous[parity] = m.clone()
        calls.append({"step": step, "branch": "cond" if parity == 0 else "uncond", "computed": computed,
                      "compared": compared, "accumulated": float(accumulated[parity])})
    return calls


def indicator_run(shape, relative_moves, seed):
    """A stand-in for e (or e0) over the steps: a seeded vector that each step moves by a chosen
    relative amount, as the real embedding moves more at some steps than at others. The amounts
    differ per model and mode because each fitted polynomial is meant for its own range of d."""
    gen = torch.Generator().manual_seed(seed)
    m = torch.randn(shape, generator=gen) + 0.5
    out = [m.clone()]
    for r in relative_moves:
        m = m + r * m.abs().mean() * torch.randn(shape, generator=gen)
        out.append(m.clone())
    return torch.stack(out)


# ----------------------------------------------------------------------------- traces


def check_margin(name, calls, threshold):
    for c in calls:
        if c["compared"] is not None and abs(c["compared"] - threshold) <= MARGIN * threshold:
            raise SystemExit(f"{name}: call {c} lies within {MARGIN} of threshold {threshold}; change the recorded run")


def main():
    os.makedirs(OUT, exist_ok=True)
    sigmas, xs, vc, vu = recorded_run()
    tensors = {"sigmas": sigmas, "x": xs, "v_cond": vc, "v_uncond": vu}
    trace = {"shift": SHIFT, "cfg": CFG, "steps": STEPS, "easycache": [], "lazycache": [], "teacache": []}

    for n, (threshold, start, end) in enumerate([(0.08, 0.15, 0.8), (0.12, 0.3, 0.9)]):
        ref = EasyCacheRef(threshold, start, end)
        calls = []
        for i in range(STEPS):
            s = float(sigmas[i])
            computed, compared, out = ref.call(s, torch.cat([xs[i], xs[i]]), torch.cat([vc[i], vu[i]]))
            for row, branch in enumerate(("cond", "uncond")):
                call = {"step": i, "branch": branch, "computed": computed, "compared": num(compared), **ref.state()}
                if not computed:
                    call["output"] = f"easycache{n}_{i:02d}_{branch}"
                    tensors[call["output"]] = out[row:row + 1]
                calls.append(call)
        check_margin("easycache", calls, threshold)
        trace["easycache"].append({"threshold": threshold, "start_percent": start, "end_percent": end, "calls": calls})

    for n, (threshold, start, end) in enumerate([(0.1, 0.15, 0.8), (0.3, 0.3, 0.9)]):
        ref = LazyCacheRef(threshold, start, end)
        calls = []
        for i in range(STEPS):
            s = float(sigmas[i])
            denoised = cfg(xs[i] - vu[i] * sigmas[i], xs[i] - vc[i] * sigmas[i])
            computed, compared, out = ref.call(s, xs[i], denoised)
            call = {"step": i, "computed": computed, "compared": num(compared), **ref.state()}
            if not computed:
                call["output"] = f"lazycache{n}_{i:02d}"
                tensors[call["output"]] = out
            calls.append(call)
        check_margin("lazycache", calls, threshold)
        trace["lazycache"].append({"threshold": threshold, "start_percent": start, "end_percent": end, "calls": calls})

    # Per case: model, mode, threshold, start_step, end_step, and the relative move of the indicator
    # per step (d is about 0.8 times it).
    tea_cases = [
        ("1.3B", "e", 0.08, 0, -1, [0.04, 0.03, 0.04, 0.1, 0.03, 0.04, 0.03, 0.12, 0.03, 0.03,
                                    0.04, 0.03, 0.11, 0.04, 0.03, 0.03, 0.04, 0.03, 0.06]),
        ("14B", "e", 0.2, 3, 15, [0.2, 0.18, 0.2, 0.3, 0.18, 0.2, 0.22, 0.3, 0.18, 0.2,
                                  0.28, 0.19, 0.2, 0.3, 0.18, 0.2, 0.19, 0.2, 0.25]),
        ("1.3B", "e0", 0.1, 0, -1, [0.01, 0.012, 0.01, 0.02, 0.012, 0.015, 0.01, 0.025, 0.012, 0.01,
                                    0.013, 0.02, 0.012, 0.01, 0.015, 0.01, 0.012, 0.03, 0.01]),
        ("14B", "e0", 0.2, 7, -3, [0.015, 0.014, 0.016, 0.025, 0.015, 0.016, 0.014, 0.024, 0.015, 0.014,
                                   0.016, 0.025, 0.015, 0.014, 0.016, 0.015, 0.014, 0.02, 0.015]),
    ]
    for n, (model, mode, threshold, start_step, end_step, moves) in enumerate(tea_cases):
        indicators = indicator_run((DIM,) if mode == "e" else (6, DIM), moves, 30 + n)
        name = f"teacache{n}_{mode}"
        tensors[name] = indicators
        calls = teacache_ref(indicators, threshold, COEFFICIENTS[(model, mode)], mode == "e0", start_step, end_step)
        check_margin("teacache", calls, threshold)
        trace["teacache"].append({"model": model, "mode": mode, "threshold": threshold, "start_step": start_step,
                                  "end_step": end_step, "indicators": name, "calls": calls})

    write_safetensors(os.path.join(OUT, "inputs.safetensors"), {k: v.float().contiguous() for k, v in tensors.items()},
                      {"source": "tools/make_cache_traces.py"})
    with open(os.path.join(OUT, "decisions.json"), "w") as f:
        json.dump(trace, f, indent=1)
        f.write("\n")
    for kind in ("easycache", "lazycache", "teacache"):
        for case in trace[kind]:
            marks = "".join("c" if c["computed"] else "r" for c in case["calls"])
            print(kind, {k: v for k, v in case.items() if k != "calls"}, marks)


if __name__ == "__main__":
    main()
