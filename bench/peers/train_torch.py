# PyTorch peer of `npm run bench:train` (run by bench/train.ts with /usr/bin/python3): the zoo's
# lenet5, vgg_small and resnet20 (src/bwdnn/zoo/models.ts) rebuilt in torch; times one training
# step (forward, cross-entropy, backward, SGD momentum) and conv backward (input / weight grad).
# Usage: train_torch.py THREADS REPS CASES_JSON; prints one JSON line {case: {wall, cpu} median ms}.
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

threads, reps, cases = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)


def lenet5(c, h, k):
    s = ((h // 2) - 4) // 2
    return nn.Sequential(nn.Conv2d(c, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * s * s, 120), nn.ReLU(), nn.Linear(120, 84),
                         nn.ReLU(), nn.Linear(84, k))


def vgg_small(c, h, k):
    layers, cin = [], c
    for ch in (32, 64, 128):
        for _ in range(2):
            layers += [nn.Conv2d(cin, ch, 3, padding=1, bias=False), nn.BatchNorm2d(ch), nn.ReLU()]
            cin = ch
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(128 * (h // 8) ** 2, k))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout)
        self.c2, self.b2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout)
        self.sc = None
        if stride != 1 or cin != cout:
            self.sc = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        return F.relu(y + (self.sc(x) if self.sc is not None else x))


def resnet20(c, h, k):
    layers, cin = [nn.Conv2d(c, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()], 16
    for stage, ch in enumerate((16, 32, 64)):
        for blk in range(3):
            layers.append(Block(cin, ch, 2 if stage > 0 and blk == 0 else 1))
            cin = ch
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, k))


MODELS = {'lenet5': lenet5, 'vgg_small': vgg_small, 'resnet20': resnet20}


def train_step(model, n, c, h):
    net = MODELS[model](c, h, 10).train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x, y = torch.randn(n, c, h, h), torch.randint(0, 10, (n,))

    def step():
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        opt.step()
    return step


def conv_grad(which, n, c, h, cout, k, pad):
    x = torch.randn(n, c, h, h)
    w = torch.randn(cout, c, k, k)
    dy = torch.randn(F.conv2d(x, w, padding=pad).shape)
    if which == 'input':
        return lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, padding=pad)
    return lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, padding=pad)


def median_ms(fn):
    """Median wall and process-CPU milliseconds (all threads) of `reps` runs after two warm-ups."""
    fn()
    fn()
    wall, cpu = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return {'wall': sorted(wall)[len(wall) // 2], 'cpu': sorted(cpu)[len(cpu) // 2]}


out = {}
for case in cases:
    if case['kind'] == 'step':
        fn = train_step(case['model'], case['n'], case['c'], case['h'])
    else:
        fn = conv_grad(case['kind'], case['n'], case['c'], case['h'], case['cout'], case['k'], case['pad'])
    out[case['name']] = median_ms(fn)
print(json.dumps({'torch': torch.__version__, 'ms': out}))
