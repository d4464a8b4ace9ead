#!/usr/bin/python3
"""Writes nodes/src/test/resources/sampling/schedules.json: ComfyUI's scheduler outputs for flow models.

Developer tool only (needs Debian's python3-torch and python3-mpmath). ComfyUI itself is not installed here,
so this script re-evaluates the formulas of comfy/model_sampling.py (ModelSamplingDiscreteFlow) and
comfy/samplers.py / comfy/k_diffusion/sampling.py (the schedulers) with torch's float32 arithmetic, the same
tensor operations in the same order. scipy is not available: the beta scheduler's scipy.stats.beta.ppf is
computed with mpmath at 50 digits instead (then rounded to the table index exactly as numpy.rint does).

Run from the repository root:  /usr/bin/python3 tools/make_schedule_testdata.py
"""
import json
import math

import mpmath
import numpy
import torch


def time_snr_shift(alpha, t):
    if alpha == 1.0:
        return t
    return alpha * t / (1 + (alpha - 1) * t)


class FlowSampling:
    def __init__(self, shift, multiplier=1000, timesteps=1000):
        self.shift = shift
        self.multiplier = multiplier
        self.sigmas = self.sigma((torch.arange(1, timesteps + 1, 1) / timesteps) * multiplier)

    @property
    def sigma_min(self):
        return self.sigmas[0]

    @property
    def sigma_max(self):
        return self.sigmas[-1]

    def timestep(self, sigma):
        return sigma * self.multiplier

    def sigma(self, timestep):
        return time_snr_shift(self.shift, timestep / self.multiplier)


def append_zero(x):
    return torch.cat([x, x.new_zeros([1])])


def simple(s, steps):
    ss = len(s.sigmas) / steps
    return torch.FloatTensor([float(s.sigmas[-(1 + int(x * ss))]) for x in range(steps)] + [0.0])


def ddim_uniform(s, steps):
    x = 1
    if math.isclose(float(s.sigmas[x]), 0, abs_tol=0.00001):
        steps += 1
        sigs = []
    else:
        sigs = [0.0]
    ss = max(len(s.sigmas) // steps, 1)
    while x < len(s.sigmas):
        sigs += [float(s.sigmas[x])]
        x += ss
    return torch.FloatTensor(sigs[::-1])


def normal(s, steps, sgm=False):
    start = s.timestep(s.sigma_max)
    end = s.timestep(s.sigma_min)
    append = True
    if sgm:
        timesteps = torch.linspace(start, end, steps + 1)[:-1]
    else:
        if math.isclose(float(s.sigma(end)), 0, abs_tol=0.00001):
            steps += 1
            append = False
        timesteps = torch.linspace(start, end, steps)
    sigs = [float(s.sigma(ts)) for ts in timesteps]
    if append:
        sigs += [0.0]
    return torch.FloatTensor(sigs)


def beta_ppf(q, a, b):
    mpmath.mp.dps = 50
    if q <= 0:
        return 0.0
    if q >= 1:
        return 1.0
    f = lambda x: mpmath.betainc(a, b, 0, x, regularized=True) - q
    lo, hi = mpmath.mpf(0), mpmath.mpf(1)
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return float((lo + hi) / 2)


def beta(s, steps, alpha=0.6, b=0.6):
    total = len(s.sigmas) - 1
    ts = 1 - numpy.linspace(0, 1, steps, endpoint=False)
    ts = numpy.rint(numpy.array([beta_ppf(float(q), alpha, b) for q in ts]) * total)
    sigs, last = [], -1
    for t in ts:
        if t != last:
            sigs += [float(s.sigmas[int(t)])]
        last = t
    return torch.FloatTensor(sigs + [0.0])


def linear_quadratic(s, steps, threshold_noise=0.025):
    if steps == 1:
        sched = [1.0, 0.0]
    else:
        linear_steps = steps // 2
        lin = [i * threshold_noise / linear_steps for i in range(linear_steps)]
        diff = linear_steps - threshold_noise * steps
        qsteps = steps - linear_steps
        qcoef = diff / (linear_steps * qsteps ** 2)
        lcoef = threshold_noise / linear_steps - 2 * diff / (qsteps ** 2)
        const = qcoef * (linear_steps ** 2)
        quad = [qcoef * (i ** 2) + lcoef * i + const for i in range(linear_steps, steps)]
        sched = [1.0 - x for x in lin + quad + [1.0]]
    return torch.FloatTensor(sched) * s.sigma_max.cpu()


def karras(n, sigma_min, sigma_max, rho=7.):
    ramp = torch.linspace(0, 1, n)
    min_inv_rho = sigma_min ** (1 / rho)
    max_inv_rho = sigma_max ** (1 / rho)
    return append_zero((max_inv_rho + ramp * (min_inv_rho - max_inv_rho)) ** rho)


def exponential(n, sigma_min, sigma_max):
    return append_zero(torch.linspace(math.log(sigma_max), math.log(sigma_min), n).exp())


def kl_optimal(n, sigma_min, sigma_max):
    adj = torch.arange(n, dtype=torch.float).div_(n - 1)
    sigmas = adj.new_zeros(n + 1)
    sigmas[:-1] = (adj * math.atan(sigma_min) + (1 - adj) * math.atan(sigma_max)).tan_()
    return sigmas


def calculate(s, name, steps):
    return {
        'simple': lambda: simple(s, steps),
        'sgm_uniform': lambda: normal(s, steps, sgm=True),
        'karras': lambda: karras(steps, float(s.sigma_min), float(s.sigma_max)),
        'exponential': lambda: exponential(steps, float(s.sigma_min), float(s.sigma_max)),
        'ddim_uniform': lambda: ddim_uniform(s, steps),
        'beta': lambda: beta(s, steps),
        'normal': lambda: normal(s, steps),
        'linear_quadratic': lambda: linear_quadratic(s, steps),
        'kl_optimal': lambda: kl_optimal(steps, float(s.sigma_min), float(s.sigma_max)),
    }[name]()


def main():
    names = ['simple', 'sgm_uniform', 'karras', 'exponential', 'ddim_uniform', 'beta', 'normal',
             'linear_quadratic', 'kl_optimal']
    cases = []
    for shift in [8.0, 5.0, 3.0, 1.0]:
        s = FlowSampling(shift)
        cases.append({'shift': shift, 'scheduler': 'table', 'steps': 0,
                      'sigmas': [float(v) for v in s.sigmas]})
        for name in names:
            for steps in [2, 3, 7, 10, 20, 30, 33, 50]:
                cases.append({'shift': shift, 'scheduler': name, 'steps': steps,
                              'sigmas': [float(v) for v in calculate(s, name, steps)]})
    path = 'nodes/src/test/resources/sampling/schedules.json'
    with open(path, 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'))
    print('wrote', path, len(cases), 'cases')


if __name__ == '__main__':
    main()
