#!/usr/bin/python3
"""Writes nodes/src/test/resources/sampling/torch_randn.json: expected torch CPU randn values.

Developer tool only (needs Debian's python3-torch): the Java test TorchGeneratorTest checks
TorchGenerator against these values bit for bit. Values are stored as float32 bit patterns
(unsigned ints) so no decimal round trip can blur them.

Run from the repository root:  /usr/bin/python3 tools/make_torch_noise_testdata.py
"""
import json
import struct

import torch

SEEDS = [0, 1, 42, 2**32 + 5, 2**63 + 7, 2**64 - 1]
SHAPES = [[1], [7], [15], [16], [17], [100], [1000], [1, 16, 3, 8, 8]]
# Several randn calls on one generator: the state (and torch's cached second normal of the
# scalar path) carries over from call to call.
SEQUENCES = [(42, [[1], [1], [3], [16], [5], [33]]), (7, [[2, 3], [1], [20], [9]])]


def bits(t):
    return [struct.unpack('<I', struct.pack('<f', v))[0] for v in t.flatten().tolist()]


def main():
    cases = []
    for seed in SEEDS:
        for shape in SHAPES:
            g = torch.manual_seed(seed)
            t = torch.randn(shape, generator=g, dtype=torch.float32, device='cpu')
            cases.append({'seed': str(seed), 'shapes': [shape], 'bits': [bits(t)]})
    for seed, shapes in SEQUENCES:
        g = torch.manual_seed(seed)
        cases.append({'seed': str(seed), 'shapes': shapes,
                      'bits': [bits(torch.randn(s, generator=g)) for s in shapes]})
    out = {'torch': torch.__version__,
           'cpu_capability': torch.backends.cpu.get_cpu_capability()
           if hasattr(torch.backends, 'cpu') else 'see torch.__config__.show()',
           'cases': cases}
    path = 'nodes/src/test/resources/sampling/torch_randn.json'
    with open(path, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    print('wrote', path, len(cases), 'cases')


if __name__ == '__main__':
    main()
