#!/usr/bin/python3
"""Writes nodes/src/test/resources/sampling/sampler_results.json: end results of ComfyUI's samplers.

Developer tool only (needs Debian's python3-torch). ComfyUI is not installed here, so the samplers of
comfy/k_diffusion/sampling.py and comfy/extra_samplers/uni_pc.py are re-evaluated below with torch float32
tensors, written after reading those files (flow/CONST branches, ComfyUI defaults), including ComfyUI's
quirks: uni_pc's in-place replacement of a final sigma 0 by 0.001 and default_noise_sampler's seed + 1.
The toy model is the exact denoiser of Gaussian data N(0.3, 0.5^2) under x = (1 - s) x0 + s eps.

Run from the repository root:  /usr/bin/python3 tools/make_sampler_testdata.py
"""
import json
import math

import torch

MU, S = 0.3, 0.5
SHAPE = [1, 4, 2, 8, 8]


def time_snr_shift(alpha, t):
    return t if alpha == 1.0 else alpha * t / (1 + (alpha - 1) * t)


def simple_sigmas(shift, steps):
    table = time_snr_shift(shift, (torch.arange(1, 1001, 1) / 1000) * 1000 / 1000)
    ss = len(table) / steps
    return torch.FloatTensor([float(table[-(1 + int(x * ss))]) for x in range(steps)] + [0.0])


def model(x, sigma):
    a = 1 - sigma
    gain = a * S * S / (a * a * S * S + sigma * sigma)
    return MU + gain * (x - a * MU)


def to_d(x, sigma, denoised):
    return (x - denoised) / sigma


def default_noise_sampler(x, seed):
    g = torch.Generator(device='cpu')
    g.manual_seed(seed + 1)
    return lambda s, sn: torch.randn(x.size(), dtype=x.dtype, generator=g)


def euler(x, sigmas, seed):
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        x = x + to_d(x, sigmas[i], den) * (sigmas[i + 1] - sigmas[i])
    return x


def heun(x, sigmas, seed):
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        d = to_d(x, sigmas[i], den)
        dt = sigmas[i + 1] - sigmas[i]
        if sigmas[i + 1] == 0:
            x = x + d * dt
        else:
            x2 = x + d * dt
            d2 = to_d(x2, sigmas[i + 1], model(x2, sigmas[i + 1]))
            x = x + (d + d2) / 2 * dt
    return x


def dpm_2(x, sigmas, seed):
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        d = to_d(x, sigmas[i], den)
        if sigmas[i + 1] == 0:
            x = x + d * (sigmas[i + 1] - sigmas[i])
        else:
            mid = sigmas[i].log().lerp(sigmas[i + 1].log(), 0.5).exp()
            x2 = x + d * (mid - sigmas[i])
            d2 = to_d(x2, mid, model(x2, mid))
            x = x + d2 * (sigmas[i + 1] - sigmas[i])
    return x


def dpmpp_2m(x, sigmas, seed):
    sigma_fn = lambda t: t.neg().exp()
    t_fn = lambda s: s.log().neg()
    old = None
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        t, tn = t_fn(sigmas[i]), t_fn(sigmas[i + 1])
        h = tn - t
        if old is None or sigmas[i + 1] == 0:
            x = (sigma_fn(tn) / sigma_fn(t)) * x - (-h).expm1() * den
        else:
            r = (t - t_fn(sigmas[i - 1])) / h
            dd = (1 + 1 / (2 * r)) * den - (1 / (2 * r)) * old
            x = (sigma_fn(tn) / sigma_fn(t)) * x - (-h).expm1() * dd
        old = den
    return x


def euler_ancestral(x, sigmas, seed):
    ns = default_noise_sampler(x, seed)
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        if sigmas[i + 1] == 0:
            x = den
        else:
            sd = sigmas[i + 1] * (1 + (sigmas[i + 1] / sigmas[i] - 1))
            a1, ad = 1 - sigmas[i + 1], 1 - sd
            renoise = (sigmas[i + 1] ** 2 - sd ** 2 * a1 ** 2 / ad ** 2) ** 0.5
            r = sd / sigmas[i]
            x = r * x + (1 - r) * den
            x = (a1 / ad) * x + ns(sigmas[i], sigmas[i + 1]) * renoise
    return x


def lcm(x, sigmas, seed):
    ns = default_noise_sampler(x, seed)
    for i in range(len(sigmas) - 1):
        x = model(x, sigmas[i])
        if sigmas[i + 1] > 0:
            x = sigmas[i + 1] * ns(sigmas[i], sigmas[i + 1]) + (1.0 - sigmas[i + 1]) * x
    return x


def res_multistep(x, sigmas, seed):
    t_fn = lambda s: s.log().neg()
    phi1 = lambda t: torch.expm1(t) / t
    phi2 = lambda t: (phi1(t) - 1.0) / t
    old, old_sd = None, None
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        sd = sigmas[i + 1]
        if sd == 0 or old is None:
            x = x + to_d(x, sigmas[i], den) * (sd - sigmas[i])
        else:
            t, t_old, t_next, t_prev = t_fn(sigmas[i]), t_fn(old_sd), t_fn(sd), t_fn(sigmas[i - 1])
            h = t_next - t
            c2 = (t_prev - t_old) / h
            b1 = torch.nan_to_num(phi1(-h) - phi2(-h) / c2, nan=0.0)
            b2 = torch.nan_to_num(phi2(-h) / c2, nan=0.0)
            x = (-h).exp() * x + h * (b1 * den + b2 * old)
        old, old_sd = den, sd
    return x


def uni_pc(x, sigmas, seed, variant):
    timesteps = sigmas[:]  # a view: ComfyUI's sample_unipc changes the caller's last sigma
    if sigmas[-1] == 0:
        timesteps[-1] = 0.001
    lmc = lambda s: 0.5 * torch.log(1 / ((s * s) + 1))
    alpha = lambda s: torch.exp(lmc(s))
    std = lambda s: torch.sqrt(1. - torch.exp(2. * lmc(s)))
    lam = lambda s: lmc(s) - 0.5 * torch.log(1. - torch.exp(2. * lmc(s)))

    def model_fn(x, t):
        inp = x * ((t ** 2 + 1.0) ** 0.5)
        eps = (inp - model(inp, t)) / t
        return (x - std(t) * eps) / alpha(t)

    def update(x, models, ts, t, order, use_corrector):
        t0, m0 = ts[-1], models[-1]
        h = lam(t) - lam(t0)
        rks, d1s = [], []
        for i in range(1, order):
            rk = (lam(ts[-(i + 1)]) - lam(t0)) / h
            rks.append(rk)
            d1s.append((models[-(i + 1)] - m0) / rk)
        rks.append(torch.tensor(1.))
        rks = torch.stack(rks)
        hh = -h
        h_phi_1 = torch.expm1(hh)
        h_phi_k = h_phi_1 / hh - 1
        fac = 1
        bh = hh if variant == 'bh1' else torch.expm1(hh)
        R, b = [], []
        for i in range(1, order + 1):
            R.append(torch.pow(rks, i - 1))
            b.append(h_phi_k * fac / bh)
            fac *= (i + 1)
            h_phi_k = h_phi_k / hh - 1 / fac
        R, b = torch.stack(R), torch.stack(b)
        x_t_ = std(t) / std(t0) * x - alpha(t) * h_phi_1 * m0
        if d1s:
            rhos_p = torch.tensor([0.5]) if order == 2 else torch.linalg.solve(R[:-1, :-1], b[:-1])
            x_t = x_t_ - alpha(t) * bh * sum(r * d for r, d in zip(rhos_p, d1s))
        else:
            x_t = x_t_
        model_t = None
        if use_corrector:
            model_t = model_fn(x_t, t)
            rhos_c = torch.tensor([0.5]) if order == 1 else torch.linalg.solve(R, b)
            corr = sum(r * d for r, d in zip(rhos_c[:-1], d1s)) if d1s else 0
            x_t = x_t_ - alpha(t) * bh * (corr + rhos_c[-1] * (model_t - m0))
        return x_t, model_t

    x = x / torch.sqrt(1.0 + timesteps[0] ** 2.0)
    steps = len(timesteps) - 1
    order = min(3, len(timesteps) - 2)
    for si in range(steps):
        if si == 0:
            models, ts = [model_fn(x, timesteps[0])], [timesteps[0]]
        elif si < order:
            x, mx = update(x, models, ts, timesteps[si], si, True)
            models.append(mx)
            ts.append(timesteps[si])
        else:
            for step in range(si, si + 1 + (1 if si == steps - 1 else 0)):
                t = timesteps[step]
                x, mx = update(x, models, ts, t, min(order, steps + 1 - step), step != steps)
                for i in range(order - 1):
                    ts[i], models[i] = ts[i + 1], models[i + 1]
                ts[-1] = t
                if step < steps:
                    models[-1] = mx
    return x / alpha(timesteps[-1])


def ancestral_rf(sigma, sigma_next):
    sd = sigma_next * (1 + (sigma_next / sigma - 1))
    a1, ad = 1 - sigma_next, 1 - sd
    return sd, a1, ad, (sigma_next ** 2 - sd ** 2 * a1 ** 2 / ad ** 2) ** 0.5


def dpm_2_ancestral(x, sigmas, seed):
    ns = default_noise_sampler(x, seed)
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        sd, a1, ad, renoise = ancestral_rf(sigmas[i], sigmas[i + 1])
        d = to_d(x, sigmas[i], den)
        if sd == 0:
            x = x + d * (sd - sigmas[i])
        else:
            mid = sigmas[i].log().lerp(sd.log(), 0.5).exp()
            x2 = x + d * (mid - sigmas[i])
            d2 = to_d(x2, mid, model(x2, mid))
            x = x + d2 * (sd - sigmas[i])
            x = (a1 / ad) * x + ns(sigmas[i], sigmas[i + 1]) * renoise
    return x


def dpmpp_2s_ancestral(x, sigmas, seed):
    ns = default_noise_sampler(x, seed)
    sigma_fn = lambda lbda: (lbda.exp() + 1) ** -1
    lambda_fn = lambda sigma: ((1 - sigma) / sigma).log()
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        sd, a1, ad, renoise = ancestral_rf(sigmas[i], sigmas[i + 1])
        if sigmas[i + 1] == 0:
            x = x + to_d(x, sigmas[i], den) * (sd - sigmas[i])
        else:
            if sigmas[i] == 1.0:
                sigma_s = 0.9999
            else:
                t_i, t_down = lambda_fn(sigmas[i]), lambda_fn(sd)
                sigma_s = sigma_fn(t_i + 0.5 * (t_down - t_i))
            r = sigma_s / sigmas[i]
            u = r * x + (1 - r) * den
            d_i = model(u, sigma_s * torch.ones(()))
            r = sd / sigmas[i]
            x = r * x + (1 - r) * d_i
        if sigmas[i + 1] > 0:
            x = (a1 / ad) * x + ns(sigmas[i], sigmas[i + 1]) * renoise
    return x


def ve_ancestral_step(sigma_from, sigma_to, eta=1.):
    if not eta:
        return sigma_to, 0.
    up = min(sigma_to, eta * (sigma_to ** 2 * (sigma_from ** 2 - sigma_to ** 2) / sigma_from ** 2) ** 0.5)
    return (sigma_to ** 2 - up ** 2) ** 0.5, up


def res_multistep_ancestral(x, sigmas, seed):
    ns = default_noise_sampler(x, seed)
    t_fn = lambda s: s.log().neg()
    phi1 = lambda t: torch.expm1(t) / t
    phi2 = lambda t: (phi1(t) - 1.0) / t
    old, old_sd = None, None
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        sd, su = ve_ancestral_step(sigmas[i], sigmas[i + 1])
        if sd == 0 or old is None:
            x = x + to_d(x, sigmas[i], den) * (sd - sigmas[i])
        else:
            t, t_old, t_next, t_prev = t_fn(sigmas[i]), t_fn(old_sd), t_fn(sd), t_fn(sigmas[i - 1])
            h = t_next - t
            c2 = (t_prev - t_old) / h
            b1 = torch.nan_to_num(phi1(-h) - phi2(-h) / c2, nan=0.0)
            b2 = torch.nan_to_num(phi2(-h) / c2, nan=0.0)
            x = (-h).exp() * x + h * (b1 * den + b2 * old)
        if sigmas[i + 1] > 0:
            x = x + ns(sigmas[i], sigmas[i + 1]) * su
        old, old_sd = den, sd
    return x


def ddpm(x, sigmas, seed):
    ns = default_noise_sampler(x, seed)
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        sigma, sigma_prev = sigmas[i], sigmas[i + 1]
        xs = x / torch.sqrt(1.0 + sigma ** 2.0)
        noise = (x - den) / sigma
        ac = 1 / ((sigma * sigma) + 1)
        acp = 1 / ((sigma_prev * sigma_prev) + 1)
        alpha = ac / acp
        mu = (1.0 / alpha).sqrt() * (xs - (1 - alpha) * noise / (1 - ac).sqrt())
        if sigma_prev > 0:
            mu += ((1 - alpha) * (1. - acp) / (1. - ac)).sqrt() * ns(sigma, sigma_prev)
        x = mu
        if sigmas[i + 1] != 0:
            x *= torch.sqrt(1.0 + sigmas[i + 1] ** 2.0)
    return x


def ipndm(x, sigmas, seed, variable=False):
    buf = []
    for i in range(len(sigmas) - 1):
        tc, tn = sigmas[i], sigmas[i + 1]
        den = model(x, tc)
        d = (x - den) / tc
        order = min(4, i + 1)
        if tn == 0:
            xn = den
        elif order == 1:
            xn = x + (tn - tc) * d
        elif not variable:
            if order == 2:
                xn = x + (tn - tc) * (3 * d - buf[-1]) / 2
            elif order == 3:
                xn = x + (tn - tc) * (23 * d - 16 * buf[-1] + 5 * buf[-2]) / 12
            else:
                xn = x + (tn - tc) * (55 * d - 59 * buf[-1] + 37 * buf[-2] - 9 * buf[-3]) / 24
        else:
            hn, hn1 = tn - tc, tc - sigmas[i - 1]
            if order == 2:
                c1, c2 = (2 + (hn / hn1)) / 2, -(hn / hn1) / 2
                xn = x + (tn - tc) * (c1 * d + c2 * buf[-1])
            else:
                hn2 = sigmas[i - 1] - sigmas[i - 2]
                temp1 = (1 - hn / (3 * (hn + hn1)) * (hn * (hn + hn1)) / (hn1 * (hn1 + hn2))) / 2
                if order == 3:
                    c1 = (2 + (hn / hn1)) / 2 + temp1
                    c2 = -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp1
                    c3 = temp1 * hn1 / hn2
                    xn = x + (tn - tc) * (c1 * d + c2 * buf[-1] + c3 * buf[-2])
                else:
                    hn3 = sigmas[i - 2] - sigmas[i - 3]
                    temp2 = ((1 - hn / (3 * (hn + hn1))) / 2 + (1 - hn / (2 * (hn + hn1))) * hn / (6 * (hn + hn1 + hn2))) \
                        * (hn * (hn + hn1) * (hn + hn1 + hn2)) / (hn1 * (hn1 + hn2) * (hn1 + hn2 + hn3))
                    q = hn1 * (hn1 + hn2) / (hn2 * (hn2 + hn3))
                    c1 = (2 + (hn / hn1)) / 2 + temp1 + temp2
                    c2 = -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp1 - (1 + (hn1 / hn2) + q) * temp2
                    c3 = temp1 * hn1 / hn2 + ((hn1 / hn2) + q * (1 + hn2 / hn3)) * temp2
                    c4 = -temp2 * q * hn1 / hn2
                    xn = x + (tn - tc) * (c1 * d + c2 * buf[-1] + c3 * buf[-2] + c4 * buf[-3])
        if len(buf) == 3:
            buf = buf[1:] + [d]
        else:
            buf.append(d)
        x = xn
    return x


def gradient_estimation(x, sigmas, seed):
    old_d = None
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        d = to_d(x, sigmas[i], den)
        dt = sigmas[i + 1] - sigmas[i]
        if sigmas[i + 1] == 0:
            x = den
        else:
            x = x + d * dt
            if i >= 1:
                x = x + (2. - 1) * (d - old_d) * dt
        old_d = d
    return x


def heunpp2(x, sigmas, seed):
    s_end = sigmas[-1]
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        d = to_d(x, sigmas[i], den)
        dt = sigmas[i + 1] - sigmas[i]
        if sigmas[i + 1] == s_end:
            x = x + d * dt
        elif sigmas[i + 2] == s_end:
            x2 = x + d * dt
            d2 = to_d(x2, sigmas[i + 1], model(x2, sigmas[i + 1]))
            w2 = sigmas[i + 1] / (2 * sigmas[0])
            x = x + (d * (1 - w2) + d2 * w2) * dt
        else:
            x2 = x + d * dt
            d2 = to_d(x2, sigmas[i + 1], model(x2, sigmas[i + 1]))
            x3 = x2 + d2 * (sigmas[i + 2] - sigmas[i + 1])
            d3 = to_d(x3, sigmas[i + 2], model(x3, sigmas[i + 2]))
            w = 3 * sigmas[0]
            w2, w3 = sigmas[i + 1] / w, sigmas[i + 2] / w
            x = x + ((1 - w2 - w3) * d + w2 * d2 + w3 * d3) * dt
    return x


def half_log_snr(s):
    return s.logit().neg()


def offset_first(sigmas, shift):
    if sigmas[0] >= 1:
        sigmas = sigmas.clone()
        sigmas[0] = time_snr_shift(shift, 1.0 - 1e-4)  # percent_to_sigma(1e-4)
    return sigmas


def er_sde(x, sigmas, seed, shift):
    ns = default_noise_sampler(x, seed)
    scaler = lambda v: v * ((v ** 0.3).exp() + 10.0)
    idx = torch.arange(0, 200.0, dtype=torch.float32)
    sigmas = offset_first(sigmas, shift)
    er = half_log_snr(sigmas).neg().exp()
    old, old_d = None, None
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        stage = min(3, i + 1)
        if sigmas[i + 1] == 0:
            x = den
        else:
            ls, lt = er[i], er[i + 1]
            a_s, a_t = sigmas[i] / ls, sigmas[i + 1] / lt
            r = scaler(lt) / scaler(ls)
            x = a_t / a_s * r * x + a_t * (1 - r) * den
            if stage >= 2:
                dt = lt - ls
                step = -dt / 200.0
                pos = lt + idx * step
                sp = scaler(pos)
                s = torch.sum(1 / sp) * step
                dd = (den - old) / (ls - er[i - 1])
                x = x + a_t * (dt + s * scaler(lt)) * dd
                if stage >= 3:
                    su = torch.sum((pos - ls) / sp) * step
                    du = (dd - old_d) / ((ls - er[i - 2]) / 2)
                    x = x + a_t * ((dt ** 2) / 2 + su * scaler(lt)) * du
                old_d = dd
            x = x + a_t * ns(sigmas[i], sigmas[i + 1]) * (lt ** 2 - ls ** 2 * r ** 2).sqrt().nan_to_num(nan=0.0)
        old = den
    return x


def seeds_2(x, sigmas, seed, shift):
    ns = default_noise_sampler(x, seed)
    eta, r = 1.0, 0.5
    sigmas = offset_first(sigmas, shift)
    for i in range(len(sigmas) - 1):
        den = model(x, sigmas[i])
        if sigmas[i + 1] == 0:
            x = den
            continue
        ls, lt = half_log_snr(sigmas[i]), half_log_snr(sigmas[i + 1])
        h = lt - ls
        h_eta = h * (eta + 1)
        ls1 = torch.lerp(ls, lt, r)
        s1 = ls1.neg().sigmoid()
        a_s1, a_t = s1 * ls1.exp(), sigmas[i + 1] * lt.exp()
        x2 = s1 / sigmas[i] * (-r * h * eta).exp() * x - a_s1 * torch.expm1(-r * h_eta) * den
        sde = (-2 * r * h * eta).expm1().neg().sqrt() * ns(sigmas[i], s1)
        x2 = x2 + sde * s1
        den2 = model(x2, s1)
        dd = torch.lerp(den, den2, 1 / (2 * r))
        x = sigmas[i + 1] / sigmas[i] * (-h * eta).exp() * x - a_t * torch.expm1(-h_eta) * dd
        seg = (r - 1) * h * eta
        sde = sde * seg.exp() + seg.mul(2).expm1().neg().sqrt() * ns(s1, sigmas[i + 1])
        x = x + sde * sigmas[i + 1]
    return x


SAMPLERS = {
    'euler': euler, 'heun': heun, 'dpm_2': dpm_2, 'dpmpp_2m': dpmpp_2m, 'euler_ancestral': euler_ancestral,
    'lcm': lcm, 'res_multistep': res_multistep,
    'uni_pc': lambda x, s, seed: uni_pc(x, s, seed, 'bh1'),
    'uni_pc_bh2': lambda x, s, seed: uni_pc(x, s, seed, 'bh2'),
    'dpm_2_ancestral': dpm_2_ancestral, 'dpmpp_2s_ancestral': dpmpp_2s_ancestral,
    'res_multistep_ancestral': res_multistep_ancestral, 'ddpm': ddpm, 'ipndm': ipndm,
    'ipndm_v': lambda x, s, seed: ipndm(x, s, seed, variable=True), 'gradient_estimation': gradient_estimation,
    'heunpp2': heunpp2,
    'er_sde': lambda x, s, seed: er_sde(x, s, seed, 5.0), 'seeds_2': lambda x, s, seed: seeds_2(x, s, seed, 5.0),
}
DISCARD_PENULTIMATE = {'dpm_2', 'dpm_2_ancestral', 'uni_pc', 'uni_pc_bh2'}


def main():
    cases = []
    for name, fn in SAMPLERS.items():
        for steps in [4, 10, 25]:
            shift, seed = 5.0, 1234
            if name in DISCARD_PENULTIMATE:
                s = simple_sigmas(shift, steps + 1)
                sigmas = torch.cat([s[:-2], s[-1:]])
            else:
                sigmas = simple_sigmas(shift, steps)
            noise = torch.randn(SHAPE, generator=torch.manual_seed(seed))
            start = sigmas[0] * noise  # noise_scaling on an empty latent
            out = fn(start.clone(), sigmas, seed)
            out = out / (1.0 - sigmas[-1])  # inverse_noise_scaling with the (possibly replaced) last sigma
            cases.append({'sampler': name, 'steps': steps, 'shift': shift, 'seed': seed,
                          'result': [float(v) for v in out.flatten()]})
    path = 'nodes/src/test/resources/sampling/sampler_results.json'
    with open(path, 'w') as f:
        json.dump({'torch': torch.__version__, 'shape': SHAPE, 'mu': MU, 's': S, 'cases': cases}, f,
                  separators=(',', ':'))
    print('wrote', path, len(cases), 'cases')


if __name__ == '__main__':
    main()
