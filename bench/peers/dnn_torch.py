# PyTorch peer of `npm run bench:dnn` (run by bench/dnn-torch.ts with /usr/bin/python3):
# times the bench's workloads on T threads and prints one JSON object {workload: [ms, ...]}.
# Usage: dnn_torch.py THREADS REPS [NAME_FILTER] [wall|cpu] (cpu: process CPU time). Needs OPENBLAS_CORETYPE=SkylakeX on AVX-512
# hosts (else Debian's OpenBLAS GEMM falls back to SSE3 kernels); the caller sets it.
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

threads, reps = int(sys.argv[1]), int(sys.argv[2])
only = sys.argv[3] if len(sys.argv) > 3 else ''
clock = time.process_time if len(sys.argv) > 4 and sys.argv[4] == 'cpu' else time.perf_counter
torch.set_num_threads(threads)
torch.manual_seed(0)


def vgg_small():
    """The zoo's vgg_small (src/bwdnn/zoo/models.ts) for 1x28x28: (conv-BN-ReLU)x2 + maxpool per stage."""
    layers, cin = [], 1
    for c in (32, 64, 128):
        for _ in range(2):
            layers += [nn.Conv2d(cin, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
            cin = c
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(128 * 3 * 3, 10))


def conv(n, c, h, w, cout, groups=1):
    x = torch.randn(n, c, h, w)
    wt = torch.randn(cout, c // groups, 3, 3)
    b = torch.randn(cout)
    return lambda: F.conv2d(x, wt, b, padding=1, groups=groups)


def gemm(s):
    a, b = torch.randn(s, s), torch.randn(s, s)
    return lambda: torch.mm(a, b)


def vgg_infer():
    net = vgg_small().eval()
    x = torch.randn(64, 1, 28, 28)

    def run():
        with torch.no_grad():
            net(x)
    return run


def vgg_train():
    net = vgg_small().train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))

    def step():
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        opt.step()
    return step


WORKLOADS = {
    'conv 3x3 64->64 32x32 N=32': lambda: conv(32, 64, 32, 32, 64),
    'conv 3x3 1->32 28x28 N=64': lambda: conv(64, 1, 28, 28, 32),
    'depthwise 3x3 C=128 32x32 N=32': lambda: conv(32, 128, 32, 32, 128, groups=128),
    'GEMM 1024^3': lambda: gemm(1024),
    'vgg_small inference N=64': vgg_infer,
    'vgg_small training step N=64': vgg_train,
}

out = {}
with torch.inference_mode(False):
    for name, make in WORKLOADS.items():
        if only and only not in name:
            continue
        fn = make()
        fn()
        fn()
        times = []
        for _ in range(reps):
            t0 = clock()
            fn()
            times.append((clock() - t0) * 1000)
        out[name] = times
print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'ms': out}))
