# oneDNN peer of `npm run bench:dsplib-onednn` (run by bench/dsplib-onednn.ts with /usr/bin/python3):
# times 3x3 pad-1 fp32 convs on ONE thread, (a) through oneDNN directly (torch.utils.mkldnn module:
# weights pre-reordered, input already in oneDNN's blocked layout, as inside a network) and (b) through
# PyTorch's default F.conv2d dispatch, recording whether that dispatch reached oneDNN (verbose log).
# Usage: onednn_conv.py SPEC_JSON [wall|cpu]; SPEC_JSON = [[name, C, H, M, N], ...]. Prints one JSON line.
import json
import os
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.mkldnn

specs = json.loads(sys.argv[1])
clock = time.process_time if len(sys.argv) > 2 and sys.argv[2] == 'cpu' else time.perf_counter
torch.set_num_threads(1)
torch.manual_seed(0)


def reaches_onednn(fn):
    """Run fn once with oneDNN's verbose log on, captured from fd 1: did a convolution primitive run?"""
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as log:
        os.dup2(log.fileno(), 1)
        try:
            with torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON):
                fn()
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
        log.seek(0)
        lines = [ln for ln in log.read().decode(errors='replace').splitlines() if ',convolution,' in ln]
    return lines[-1].split(',')[4] if lines else None  # e.g. 'jit:avx512_core'


def timed(fn):
    """Best (least interfered, i.e. favourable to oneDNN) ms per call over 5 batches; each batch repeats fn until it takes >= 0.2 s (CPU or wall)."""
    fn()
    fn()
    t0 = clock()
    fn()
    one = max(clock() - t0, 1e-5)
    k = max(1, int(0.2 / one))
    per = []
    for _ in range(5):
        t0 = clock()
        for _ in range(k):
            fn()
        per.append((clock() - t0) * 1000 / k)
    return min(per), k


out = {}
with torch.no_grad():
    for name, c, h, m, n in specs:
        x = torch.randn(n, c, h, h)
        conv = nn.Conv2d(c, m, 3, padding=1).eval()
        mk = torch.utils.mkldnn.to_mkldnn(conv)
        xm = x.to_mkldnn()
        xb = mk(xm)  # C == M: a conv output is already in oneDNN's blocked layout (aBcd16b), as between layers
        direct = lambda: mk(xb)  # noqa: E731: no input reorder, only the convolution primitive (+ output alloc)
        default = lambda: F.conv2d(x, conv.weight, conv.bias, padding=1)  # noqa: E731
        ref = default()
        err = float((xb.to_dense() - ref).abs().max() / ref.abs().max())
        d_ms, d_k = timed(direct)
        p_ms, p_k = timed(default)
        out[name] = {'onednn_ms': d_ms, 'onednn_impl': reaches_onednn(direct), 'default_ms': p_ms,
                     'default_impl': reaches_onednn(default) or 'native (not oneDNN)', 'reps': [d_k, p_k], 'max_rel_err': err}
print(json.dumps({'torch': torch.__version__, 'mkldnn_available': torch.backends.mkldnn.is_available(),
                  'threads': torch.get_num_threads(), 'layers': out}))
