"""Times the lecture's training step in PyTorch, for `deno task bench`.

The bench runs it with a Python that has torch and sends, on stdin, one JSON
object: the initial parameters and the batches (float32 and int32 as base64
of little-endian bytes), the sizes, and a time budget. It answers on stdout
with one JSON object: torch's version, its thread count, the loss of the
first step (a check that both sides start alike), and the median
milliseconds of a step in two forms of the lecture's exercise-4 loop body
(forward, the manual backward, the SGD update, under torch.no_grad()):

- "loop_ms": dC gathered with the lecture's Python double loop;
- "index_add_ms": dC gathered with one dC.index_add_(0, ...).

By hand, from the repository's root:

    apt-get update && apt-get install -y python3-torch
    deno task bench     # finds /usr/bin/python3, or give --python PATH
"""

import base64
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

NAMES = ["C", "W1", "b1", "W2", "b2", "bngain", "bnbias"]


def decode(text, dtype, shape):
    return torch.from_numpy(np.frombuffer(base64.b64decode(text), dtype=dtype).copy().reshape(shape))


def step(p, Xb, Yb, lr, index_add):
    """One step of the lecture's exercise 4: forward, manual backward, update."""
    C, W1, b1, W2, b2, bngain, bnbias = (p[k] for k in NAMES)
    n = Xb.shape[0]
    emb = C[Xb]
    embcat = emb.view(emb.shape[0], -1)
    hprebn = embcat @ W1 + b1
    bnmean = hprebn.mean(0, keepdim=True)
    bnvar = hprebn.var(0, keepdim=True, unbiased=True)
    bnvar_inv = (bnvar + 1e-5) ** -0.5
    bnraw = (hprebn - bnmean) * bnvar_inv
    hpreact = bngain * bnraw + bnbias
    h = torch.tanh(hpreact)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Yb)

    dlogits = F.softmax(logits, 1)
    dlogits[range(n), Yb] -= 1
    dlogits /= n
    dh = dlogits @ W2.T
    dW2 = h.T @ dlogits
    db2 = dlogits.sum(0)
    dhpreact = (1.0 - h**2) * dh
    dbngain = (bnraw * dhpreact).sum(0, keepdim=True)
    dbnbias = dhpreact.sum(0, keepdim=True)
    dhprebn = bngain * bnvar_inv / n * (n * dhpreact - dhpreact.sum(0) - n / (n - 1) * bnraw * (dhpreact * bnraw).sum(0))
    dembcat = dhprebn @ W1.T
    dW1 = embcat.T @ dhprebn
    db1 = dhprebn.sum(0)
    demb = dembcat.view(emb.shape)
    dC = torch.zeros_like(C)
    if index_add:
        dC.index_add_(0, Xb.view(-1), demb.view(-1, C.shape[1]))
    else:
        for k in range(Xb.shape[0]):
            for j in range(Xb.shape[1]):
                ix = Xb[k, j]
                dC[ix] += demb[k, j]
    grads = [dC, dW1, db1, dW2, db2, dbngain, dbnbias]
    for name, grad in zip(NAMES, grads):
        p[name].data += -lr * grad
    return loss


def median_ms(run, budget_s, group):
    """The median time of one step over groups of `group` steps, after a warm-up."""
    for _ in range(3):
        run(group)
    samples = []
    start = time.perf_counter()
    while time.perf_counter() - start < budget_s or len(samples) < 5:
        t0 = time.perf_counter()
        run(group)
        samples.append((time.perf_counter() - t0) / group)
    samples.sort()
    return 1000 * samples[len(samples) // 2]


def main():
    job = json.load(sys.stdin)
    params = {k: decode(v["data"], "<f4", v["shape"]) for k, v in job["params"].items()}
    n, B = job["batchSize"], job["blockSize"]
    batches = [
        (decode(b["X"], "<i4", [n, B]).long(), decode(b["Y"], "<i4", [n]).long()) for b in job["batches"]
    ]
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    with torch.no_grad():
        # The loss of the first step from the given parameters: the bench checks it is its own.
        out["first_loss"] = float(step({k: v.clone() for k, v in params.items()}, *batches[0], job["lr"], True))
        for key, index_add in [("loop_ms", False), ("index_add_ms", True)]:
            p = {k: v.clone() for k, v in params.items()}
            counter = [0]

            def run(group):
                for _ in range(group):
                    Xb, Yb = batches[counter[0] % len(batches)]
                    counter[0] += 1
                    step(p, Xb, Yb, job["lr"], index_add)

            out[key] = median_ms(run, job["budgetMs"] / 1000, 5)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
