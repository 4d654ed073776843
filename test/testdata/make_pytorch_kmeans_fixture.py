"""Per-seed reference for gradient K-means: the seed notebook's own training loop (PyTorch,
float64), started from the centroids our TypeScript draws, so each seed can be compared one to one.

The notebook starts from torch.rand((k, 2)), a stream TypeScript cannot reproduce. Here the
initial centroids are np.random.RandomState(seed).random_sample((k, 2)) instead, which is exactly
what lib/gradient/gradient_kmeans.ts draws for init "uniform", and everything else is the notebook's code
(train_kmean_torch with AdamW(lr=0.1), 150 epochs, mse_loss/min/mean; evaluate() for the score).

Needs Debian's PyTorch (apt-get install -y python3-torch; made with torch 1.13):
    /usr/bin/python3 test/testdata/make_pytorch_kmeans_fixture.py src/data/data2D.npy \
        > test/testdata/pytorch_kmeans_numpy_init.json
"""
import json
import sys

import numpy as np
import torch
import torch.nn as nn

X = np.load(sys.argv[1])
valid_count = int(len(X) / 4.0)
np.random.seed(45689)
idx = np.arange(len(X))
np.random.shuffle(idx)
train, valid = X[idx[valid_count:]], X[idx[:valid_count]]


def evaluate(test, m):
    d = ((test[:, None, :] - m[None]) ** 2).sum(-1)
    return float(d.min(1).mean())


def train_kmean_torch(train_data, initial, lr=0.1, epoch=150):
    k = initial.shape[0]
    m = torch.tensor(initial, requires_grad=True, dtype=torch.float64)
    X_train = torch.from_numpy(train_data)
    optimizer = torch.optim.AdamW([m], lr=lr)
    losses = []
    for e in range(epoch):
        lst = [torch.sum(nn.functional.mse_loss(X_train, m[i].expand_as(X_train), reduction="none"), dim=1,
                         dtype=torch.float64) for i in range(k)]
        L = torch.mean(torch.min(torch.stack(lst, 0), 0)[0], dtype=torch.float64)
        optimizer.zero_grad()
        L.backward()
        optimizer.step()
        losses.append(float(L.detach()))
    return losses, m.detach().numpy()


out = {"origin": "test/testdata/make_pytorch_kmeans_fixture.py, torch " + torch.__version__ + ", float64, "
                 "data2D.npy split as the notebook (seed 45689, validation = first quarter)",
       "epochs": 150, "lr": 0.1, "kmeans": {}}
for k in range(1, 6):
    runs = []
    for seed in range(10):
        initial = np.random.RandomState(seed).random_sample((k, 2))
        losses, m = train_kmean_torch(train, initial)
        runs.append({"seed": seed, "initial": initial.tolist(), "centroids": m.tolist(),
                     "trainScore": evaluate(train, m), "validScore": evaluate(valid, m),
                     "lossAtEpoch": {str(e): losses[e - 1] for e in (1, 10, 50, 150)}})
    out["kmeans"][str(k)] = runs
    print("k", k, "median valid", float(np.median([r["validScore"] for r in runs])), file=sys.stderr)
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
