#!/usr/bin/python3
"""Writes testdata/cache-traces/: recorded cache inputs and what EasyCache, LazyCache and TeaCache decide on them.

Developer tool only (Debian's python3-torch); run by hand, its output is test data for
nodes/src/test/java/org/jcomfy/nodes/acceleration/CacheReferenceTraceTest.java.

The three decision rules below are written from the published sources, not from jcomfy:
- EasyCache and LazyCache: ComfyUI core, comfy_extras/nodes_easycache.py (easycache_forward_wrapper around each
  diffusion-model call, lazycache_predict_noise_wrapper around each guided prediction, and their Holder classes).
  ComfyUI evaluates cond and uncond in one batched call when memory allows; that is the case modelled here: the
  first cond's slice decides for the batch and the output norm is taken over the whole batch.
- TeaCache: the official TeaCache4Wan2.1 port (teacache_generate.py, teacache_forward): per call the relative L1
  change of the indicator (e, or e0 with --use_ret_steps), rescaled by np.poly1d(coefficients), accumulated per
  even (cond) / odd (uncond) call; calls before ret_steps and from cutoff_steps on always compute. jcomfy's node adds
  a start_step/end_step window; a step outside it is treated exactly like the port's ret/cutoff calls.

The inputs are synthetic but recorded once (seeded): they are not produced in a closed loop, so every policy
configuration sees the same sequence. The 20-step schedule (shift 8) puts steps exactly on percent_to_sigma of 0.15,
0.2, 0.75 and 0.95 in float32, so the windows test ComfyUI's float32 comparison of sigma with those boundaries. The rules run in float32, as ComfyUI and the port compute; each is run again
in float64 and must decide the same, and every compared value must clear its threshold by a margin, so the trace does
not hinge on rounding.

Run from the repository root:  /usr/bin/python3 tools/make_cache_traces.py
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_sampler_testdata import simple_sigmas, time_snr_shift  # noqa: E402
from train_demo import write_safetensors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "testdata", "cache-traces")

SHIFT = 8.0                     # Wan2.1's default model sampling shift in ComfyUI
STEPS = 20                      # with shift 8, percents 0.15, 0.2, 0.75, 0.95 fall exactly on a step
LATENT = (1, 2, 2, 12, 12)      # [B, C, T, H, W]; 12 is not a multiple of the subsample factor 8
CFG = 5.0
SUBSAMPLE = 8
MARGIN = 1e-3                   # relative distance every compared value keeps from its threshold

EASY_CONFIGS = [(0.05, 0.15, 0.95), (0.2, 0.15, 0.95), (0.1, 0.2, 0.75)]   # reuse_threshold, start_percent, end_percent
LAZY_CONFIGS = [(0.15, 0.15, 0.95), (0.4, 0.15, 0.95), (0.25, 0.2, 0.75)]

TEA_STEPS = 20
TEA_DIM = 64                    # e [1, D], e0 [1, 6, D]
TEA_TOKENS = (1, 4, 16)         # the hidden state entering the block stack
TEA_COEFFICIENTS = {            # TeaCache4Wan2.1, t2v
    ("1.3B", "e"): [2.39676752e+03, -1.31110545e+03, 2.01331979e+02, -8.29855975e+00, 1.37887774e-01],
    ("14B", "e"): [-5784.54975374, 5449.50911966, -1811.16591783, 256.27178429, -13.02252404],
    ("1.3B", "e0"): [-5.21862437e+04, 9.23041404e+03, -5.28275948e+02, 1.36987616e+01, -4.99875664e-02],
    ("14B", "e0"): [-3.03318725e+05, 4.90537029e+04, -2.65530556e+03, 5.87365115e+01, -3.15583525e-01],
}
# Step-to-step relative L1 changes of the synthetic indicators: ranges where the model's polynomial is positive
# (outside them the published fits go negative, i.e. they were fitted on changes of about this size).
TEA_CHANGE_RANGES = {("1.3B", "e"): (0.01, 0.12), ("14B", "e"): (0.14, 0.26),
                     ("1.3B", "e0"): (0.005, 0.04), ("14B", "e0"): (0.01, 0.03)}
TEA_CONFIGS = [  # model, mode, rel_l1_thresh, start_step, end_step
    ("1.3B", "e", 0.08, 0, -1), ("1.3B", "e", 0.3, 0, -1), ("1.3B", "e", 0.3, 4, 14),
    ("14B", "e", 0.2, 0, -1), ("14B", "e", 0.5, 0, -1),
    ("1.3B", "e0", 0.1, 0, -1), ("14B", "e0", 0.2, 0, -1), ("14B", "e0", 0.2, 7, 15),
]


# ----------------------------------------------------------------------------- model sampling (comfy/model_sampling.py)


def percent_to_sigma(percent):
    if percent <= 0.0:
        return 1.0
    if percent >= 1.0:
        return 0.0
    return time_snr_shift(SHIFT, 1.0 - percent)


# ----------------------------------------------------------------------------- EasyCache (DIFFUSION_MODEL level)


class EasyCacheRule:
    """EasyCacheHolder and easycache_forward_wrapper for one batched call [cond, uncond] per sampler step."""

    def __init__(self, reuse_threshold, start_percent, end_percent):
        self.reuse_threshold = reuse_threshold
        self.start_t, self.end_t = percent_to_sigma(start_percent), percent_to_sigma(end_percent)
        self.first_cond = None
        self.relative_transformation_rate = None
        self.cumulative_change_rate = 0.0
        self.x_prev_subsampled = self.output_prev_subsampled = self.output_prev_norm = None
        self.cache_diffs = {}

    def call(self, sigma, x, uuids, model):
        """sigma: the float32 0-dim tensor ComfyUI passes (so the window is compared in float32, as torch compares a
        float32 tensor with a Python float); x [len(uuids), ...]; returns (output, decision, compared)."""
        if not sigma > self.end_t:
            return model(), "computed", None
        has_first_cond = self.first_cond in uuids
        input_change = compared = None
        if sigma <= self.start_t:
            can_apply = all(u in self.cache_diffs for u in uuids)
            # (skip_current_step only matters when cond and uncond run as separate calls: not modelled)
            if self.first_cond is None:
                self.first_cond = uuids[0]
                has_first_cond = True
            if has_first_cond:
                if self.x_prev_subsampled is not None:
                    input_change = (self.subsample(x, uuids) - self.x_prev_subsampled).flatten().abs().mean()
                if self.output_prev_norm is not None and self.relative_transformation_rate is not None:
                    self.cumulative_change_rate += (self.relative_transformation_rate * input_change) / self.output_prev_norm
                    compared = float(self.cumulative_change_rate)
                    if self.cumulative_change_rate < self.reuse_threshold and can_apply:
                        return self.apply_cache_diff(x, uuids), "reused", compared
                    self.cumulative_change_rate = 0.0
        output = model()
        if has_first_cond and self.output_prev_norm is not None and input_change is not None:
            output_change = (self.subsample(output, uuids) - self.output_prev_subsampled).flatten().abs().mean()
            self.relative_transformation_rate = output_change / input_change
        for i, u in enumerate(uuids):
            self.cache_diffs[u] = output[i:i + 1] - x[i:i + 1]
        if has_first_cond:
            self.x_prev_subsampled = self.subsample(x, uuids)
            self.output_prev_subsampled = self.subsample(output, uuids)
            self.output_prev_norm = output.flatten().abs().mean()
        return output, "computed", compared

    def subsample(self, t, uuids):
        i = uuids.index(self.first_cond)
        return t[i:i + 1, ..., ::SUBSAMPLE, ::SUBSAMPLE].clone()

    def apply_cache_diff(self, x, uuids):
        return torch.cat([x[i:i + 1] + self.cache_diffs[u] for i, u in enumerate(uuids)])


# ----------------------------------------------------------------------------- LazyCache (PREDICT_NOISE level)


class LazyCacheRule:
    """LazyCacheHolder and lazycache_predict_noise_wrapper: one decision per guided prediction."""

    def __init__(self, reuse_threshold, start_percent, end_percent):
        self.reuse_threshold = reuse_threshold
        self.start_t, self.end_t = percent_to_sigma(start_percent), percent_to_sigma(end_percent)
        self.relative_transformation_rate = None
        self.cumulative_change_rate = 0.0
        self.x_prev_subsampled = self.output_prev_subsampled = self.output_prev_norm = self.cache_diff = None

    def call(self, sigma, x, model):
        """sigma: the float32 0-dim tensor, as for EasyCacheRule.call."""
        if not sigma > self.end_t:
            return model(), "computed", None
        input_change = compared = None
        if sigma <= self.start_t and self.x_prev_subsampled is not None:
            input_change = (x[..., ::SUBSAMPLE, ::SUBSAMPLE] - self.x_prev_subsampled).flatten().abs().mean()
            if self.output_prev_norm is not None and self.relative_transformation_rate is not None:
                self.cumulative_change_rate += (self.relative_transformation_rate * input_change) / self.output_prev_norm
                compared = float(self.cumulative_change_rate)
                if self.cumulative_change_rate < self.reuse_threshold:
                    return x + self.cache_diff, "reused", compared
                self.cumulative_change_rate = 0.0
        output = model()
        if self.output_prev_norm is not None and input_change is not None:
            output_change = (output[..., ::SUBSAMPLE, ::SUBSAMPLE] - self.output_prev_subsampled).flatten().abs().mean()
            self.relative_transformation_rate = output_change / input_change
        self.cache_diff = output - x
        self.x_prev_subsampled = x[..., ::SUBSAMPLE, ::SUBSAMPLE].clone()
        self.output_prev_subsampled = output[..., ::SUBSAMPLE, ::SUBSAMPLE].clone()
        self.output_prev_norm = output.flatten().abs().mean()
        return output, "computed", compared


# ----------------------------------------------------------------------------- TeaCache (TeaCache4Wan2.1 teacache_forward)


class TeaCacheRule:
    """teacache_forward's decision and residual, counting calls as the port does (cond even, uncond odd)."""

    def __init__(self, coefficients, thresh, use_ret_steps, steps, start_step, end_step):
        self.rescale = np.poly1d(coefficients)
        self.thresh = thresh
        self.ret_steps = 5 * 2 if use_ret_steps else 1 * 2
        self.cutoff_steps = steps * 2 if use_ret_steps else steps * 2 - 2
        self.window = (start_step, end_step if end_step >= 0 else steps + end_step)
        self.cnt = 0
        self.accumulated = [0.0, 0.0]
        self.previous = [None, None]
        self.residual = [None, None]

    def call(self, modulated_inp, x, blocks):
        """Returns (output, decision, compared or None where the call is forced, accumulated after the call)."""
        b, step = self.cnt % 2, self.cnt // 2
        compared = None
        if (self.cnt < self.ret_steps or self.cnt >= self.cutoff_steps
                or step < self.window[0] or step > self.window[1]):
            should_calc = True
            self.accumulated[b] = 0
        else:
            prev = self.previous[b]
            self.accumulated[b] += self.rescale(((modulated_inp - prev).abs().mean() / prev.abs().mean()).item())
            compared = self.accumulated[b]
            should_calc = not self.accumulated[b] < self.thresh
            if should_calc:
                self.accumulated[b] = 0
        self.previous[b] = modulated_inp.clone()
        if should_calc:
            out = blocks()
            self.residual[b] = out - x
        else:
            out = x + self.residual[b]
        self.cnt += 1
        return out, "computed" if should_calc else "reused", compared, self.accumulated[b]


# ----------------------------------------------------------------------------- recorded inputs


def smooth(g, shape):
    """A smooth random field over the last two dims: a 3x3 grid of normals, bilinearly upsampled."""
    planes = int(np.prod(shape[:-2]))
    coarse = torch.randn(1, planes, 3, 3, generator=g)
    return F.interpolate(coarse, size=shape[-2:], mode="bilinear", align_corners=True).reshape(shape)


def latent_inputs():
    """A flow trajectory x_i = s_i noise + (1 - s_i) x0 and velocities that drift by varying amounts per step."""
    g = torch.Generator().manual_seed(20250309)
    sigmas = simple_sigmas(SHIFT, STEPS)
    noise, x0 = torch.randn(LATENT, generator=g), smooth(g, LATENT)
    base = noise - x0
    amounts = 0.005 + 0.15 * torch.rand(STEPS, generator=g)
    amounts[9] = 0.6                                     # one large jolt: forces a recompute after it
    drift, gap = 0.1 * smooth(g, LATENT), 0.3 * smooth(g, LATENT)
    xs, conds, unconds, guided = [], [], [], []
    for i in range(STEPS):
        s = sigmas[i]
        drift = drift + amounts[i] * base.abs().mean() * smooth(g, LATENT)
        gap = gap + 0.05 * smooth(g, LATENT)
        x = s * noise + (1 - s) * x0
        v_cond, v_uncond = base + drift, base + drift + gap
        den_cond, den_uncond = x - s * v_cond, x - s * v_uncond   # CONST calculate_denoised
        xs.append(x)
        conds.append(v_cond)
        unconds.append(v_uncond)
        guided.append(den_uncond + (den_cond - den_uncond) * CFG)  # cfg_function
    return sigmas, torch.stack(xs), torch.stack(conds), torch.stack(unconds), torch.stack(guided)


def tea_inputs():
    """Per model size: indicators e [1, D] and e0 [1, 6, D] whose relative L1 change per step lies in the ranges above,
    and per step and branch the hidden state entering the blocks and the blocks' output."""
    g = torch.Generator().manual_seed(20250310)
    out = {}
    for size in ("1.3B", "14B"):
        for mode, shape in (("e", (1, TEA_DIM)), ("e0", (1, 6, TEA_DIM))):
            lo, hi = TEA_CHANGE_RANGES[(size, mode)]
            m = torch.randn(shape, generator=g)
            seq = [m]
            for _ in range(1, TEA_STEPS):
                d = lo + (hi - lo) * torch.rand((), generator=g)
                u = torch.randn(shape, generator=g)
                m = m + d * m.abs().mean() * u / u.abs().mean()
                seq.append(m)
            out[f"tea_{size}_{mode}"] = torch.stack(seq)
    hidden = torch.randn((TEA_STEPS, 2) + TEA_TOKENS, generator=g)
    residual = torch.randn(TEA_TOKENS, generator=g)
    blocks = []
    for i in range(TEA_STEPS):
        residual = residual + 0.1 * torch.randn(TEA_TOKENS, generator=g)
        blocks.append(torch.stack([hidden[i, b] + residual + 0.2 * b for b in range(2)]))
    out["tea_hidden"], out["tea_blocks"] = hidden, torch.stack(blocks)
    return out


# ----------------------------------------------------------------------------- traces


class OutputTable:
    """The outputs returned on reused calls, stored once each (configurations often reuse the same way)."""

    def __init__(self):
        self.tensors, self.keys = [], {}

    def add(self, t):
        key = t.numpy().tobytes()
        if key not in self.keys:
            self.keys[key] = len(self.tensors)
            self.tensors.append(t.clone())
        return self.keys[key]


def value(v):
    return None if v is None else float(v)


def check_margin(compared, threshold, what):
    if compared is not None and abs(float(compared) - threshold) <= MARGIN * threshold:
        raise SystemExit(f"{what}: compared value {float(compared)} too close to threshold {threshold}; change the inputs")


def easy_trace(config, sigmas, xs, conds, unconds, dtype, outputs):
    rule = EasyCacheRule(*config)
    steps = []
    for i in range(STEPS):
        s = sigmas[i]
        x = torch.cat([xs[i], xs[i]]).to(dtype)
        out, decision, compared = rule.call(s, x, ["cond", "uncond"], lambda: torch.cat([conds[i], unconds[i]]).to(dtype))
        check_margin(compared, config[0], f"EasyCache {config} step {i}")
        rec = {"step": i, "decision": decision, "compared": value(compared),
               "cumulative": value(rule.cumulative_change_rate), "k": value(rule.relative_transformation_rate),
               "output_norm": value(rule.output_prev_norm)}
        if decision == "reused" and outputs is not None:
            rec["outputs"] = {"cond": outputs.add(out[0:1].float()), "uncond": outputs.add(out[1:2].float())}
        steps.append(rec)
    return {"reuse_threshold": config[0], "start_percent": config[1], "end_percent": config[2], "steps": steps}


def lazy_trace(config, sigmas, xs, guided, dtype, outputs):
    rule = LazyCacheRule(*config)
    steps = []
    for i in range(STEPS):
        s = sigmas[i]
        out, decision, compared = rule.call(s, xs[i].to(dtype), lambda: guided[i].to(dtype))
        check_margin(compared, config[0], f"LazyCache {config} step {i}")
        rec = {"step": i, "decision": decision, "compared": value(compared),
               "cumulative": value(rule.cumulative_change_rate), "k": value(rule.relative_transformation_rate),
               "output_norm": value(rule.output_prev_norm)}
        if decision == "reused" and outputs is not None:
            rec["output"] = outputs.add(out.float())
        steps.append(rec)
    return {"reuse_threshold": config[0], "start_percent": config[1], "end_percent": config[2], "steps": steps}


def tea_trace(config, tea, dtype, outputs):
    size, mode, thresh, start_step, end_step = config
    rule = TeaCacheRule(TEA_COEFFICIENTS[(size, mode)], thresh, mode == "e0", TEA_STEPS, start_step, end_step)
    indicators = tea[f"tea_{size}_{mode}"].to(dtype)
    calls = []
    for i in range(TEA_STEPS):
        for b, branch in enumerate(("cond", "uncond")):
            x = tea["tea_hidden"][i, b].to(dtype)
            out, decision, compared, accumulated = rule.call(indicators[i], x, lambda: tea["tea_blocks"][i, b].to(dtype))
            check_margin(compared, thresh, f"TeaCache {config} step {i} {branch}")
            rec = {"step": i, "branch": branch, "decision": decision, "compared": value(compared),
                   "accumulated": float(accumulated)}
            if decision == "reused" and outputs is not None:
                rec["output"] = outputs.add(out.float())
            calls.append(rec)
    return {"model": size, "mode": mode, "rel_l1_thresh": thresh, "start_step": start_step, "end_step": end_step,
            "coefficients": TEA_COEFFICIENTS[(size, mode)], "calls": calls}


def same_decisions(a, b, rows, what):
    for ra, rb in zip(a[rows], b[rows]):
        if ra["decision"] != rb["decision"]:
            raise SystemExit(f"{what}: float32 and float64 decide differently at {ra}")
        if ra["compared"] is not None and abs(ra["compared"] - rb["compared"]) > 1e-5 * abs(rb["compared"]):
            raise SystemExit(f"{what}: float32 and float64 compared values differ at {ra} / {rb}")


def summary(rows):
    return "".join("R" if r["decision"] == "reused" else "c" for r in rows)


def main():
    sigmas, xs, conds, unconds, guided = latent_inputs()
    tea = tea_inputs()
    easy_out, lazy_out, tea_out = OutputTable(), OutputTable(), OutputTable()
    easy, lazy, teas = [], [], []
    for config in EASY_CONFIGS:
        t = easy_trace(config, sigmas, xs, conds, unconds, torch.float32, easy_out)
        same_decisions(t, easy_trace(config, sigmas, xs, conds, unconds, torch.float64, None), "steps", f"EasyCache {config}")
        easy.append(t)
        print(f"EasyCache {config}: {summary(t['steps'])}")
    for config in LAZY_CONFIGS:
        t = lazy_trace(config, sigmas, xs, guided, torch.float32, lazy_out)
        same_decisions(t, lazy_trace(config, sigmas, xs, guided, torch.float64, None), "steps", f"LazyCache {config}")
        lazy.append(t)
        print(f"LazyCache {config}: {summary(t['steps'])}")
    for config in TEA_CONFIGS:
        t = tea_trace(config, tea, torch.float32, tea_out)
        same_decisions(t, tea_trace(config, tea, torch.float64, None), "calls", f"TeaCache {config}")
        teas.append(t)
        print(f"TeaCache {config}: {summary(t['calls'][0::2])} (cond; uncond {summary(t['calls'][1::2])})")

    os.makedirs(OUT, exist_ok=True)
    tensors = {"sigmas": sigmas, "x": xs, "v_cond": conds, "v_uncond": unconds, "guided": guided, **tea,
               "easycache_outputs": torch.stack(easy_out.tensors), "lazycache_outputs": torch.stack(lazy_out.tensors),
               "teacache_outputs": torch.stack(tea_out.tensors)}
    write_safetensors(os.path.join(OUT, "inputs.safetensors"), {k: v.float().contiguous() for k, v in tensors.items()},
                      {"generator": "tools/make_cache_traces.py"})
    trace = {
        "generator": "tools/make_cache_traces.py",
        "inputs": "inputs.safetensors",
        "shift": SHIFT, "steps": STEPS, "cfg": CFG, "subsample": SUBSAMPLE,
        "easycache": easy, "lazycache": lazy,
        "teacache_steps": TEA_STEPS, "teacache": teas,
    }
    with open(os.path.join(OUT, "trace.json"), "w") as f:
        json.dump(trace, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
