"""Records torch.optim's SGD, SGD with momentum, Adam and AdamW step by step, in float64, for
test/optimizers_test.ts: each optimizer from the same fixed start, on the seed notebook's K-means loss on
data2D (and on its mixture NLL), storing at every step the loss, the gradient PyTorch computed and the
parameters after optimizer.step().

K-means: data2D.npy split as the notebook (seed 45689, validation = first quarter), k = 5, the start
np.random.RandomState(0).random_sample((5, 2)) (lib/kmeans/gradient_kmeans.ts's init "uniform", seed 0),
150 full-batch epochs, each optimizer at the race's default learning rate (SGD 1, momentum 0.1 with
mu 0.9, Adam 0.1, AdamW 0.1 with PyTorch's other defaults: betas (0.9, 0.999), eps 1e-8, AdamW's
weight_decay 0.01).
Mixture: the split's first third for validation, k = 3, the start make_pytorch_gmm_fixture.py draws for
seed 0, 50 epochs of the notebook's NLL, lr 0.005 for all four (momentum mu 0.9; Adam and AdamW with the
notebook's betas (0.9, 0.99), eps 1e-5; AdamW weight_decay 0.01).

Needs Debian's PyTorch (apt-get install -y python3-torch; made with torch 1.13):
    /usr/bin/python3 test/testdata/make_optimizer_race_fixture.py src/data/data2D.npy \
        > test/testdata/optimizer_race_fixture.json
"""
import json
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
X = np.load(sys.argv[1])


def notebook_split(divisor):
    valid_count = int(len(X) / divisor)
    np.random.seed(45689)
    idx = np.arange(len(X))
    np.random.shuffle(idx)
    return X[idx[valid_count:]], X[idx[:valid_count]]


def optimizer(name, params, lr, adam):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, **adam)
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01, **adam)


def record(params, loss_fn, opt, steps):
    out = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        grads = [p.grad.detach().clone().ravel().tolist() for p in params]
        opt.step()
        out.append({"loss": float(loss.detach()), "grad": grads, "params": [p.detach().ravel().tolist() for p in params]})
    return out


# K-means, the notebook's loss.
train, _ = notebook_split(4.0)
X_train = torch.from_numpy(train)
KMEANS_LR = {"sgd": 1.0, "momentum": 0.1, "adam": 0.1, "adamw": 0.1}
start = np.random.RandomState(0).random_sample((5, 2))
kmeans = {"k": 5, "seed": 0, "epochs": 150, "initial": start.tolist(), "runs": {}}
for name, lr in KMEANS_LR.items():
    m = torch.tensor(start, requires_grad=True)

    def kmeans_loss():
        lst = [torch.sum(nn.functional.mse_loss(X_train, m[i].expand_as(X_train), reduction="none"), dim=1)
               for i in range(5)]
        return torch.mean(torch.min(torch.stack(lst, 0), 0)[0])

    opt = optimizer(name, [m], lr, {})
    kmeans["runs"][name] = {"lr": lr, "steps": record([m], kmeans_loss, opt, 150)}

# The mixture, the notebook's NLL (as make_pytorch_gmm_fixture.py writes it).
train, _ = notebook_split(3.0)
X_train = torch.from_numpy(train)
rng = np.random.RandomState(0)
logits0, means0 = rng.random_sample(3), rng.standard_normal((3, 2))
sigmas0 = []
while len(sigmas0) < 3:
    z = rng.standard_normal()
    if -1 <= z <= 1:
        sigmas0.append(abs(z))


def nll(logits, mu, sigma):
    s2 = torch.square(sigma).T
    lp = torch.sum((torch.unsqueeze(X_train, -1) - torch.unsqueeze(mu.T, 0)) ** 2, 1) / s2
    lp += 2 * torch.log(2 * torch.tensor(float(np.pi))); lp += 2 * torch.log(s2); lp *= -0.5
    return -torch.logsumexp(lp + F.log_softmax(logits, dim=0).T, dim=1).mean()


mixture = {"k": 3, "seed": 0, "epochs": 50, "lr": 0.005, "initialLogits": logits0.tolist(),
           "initialMeans": means0.tolist(), "initialSigmas": sigmas0, "runs": {}}
for name in ("sgd", "momentum", "adam", "adamw"):
    logits = torch.tensor(logits0, requires_grad=True)
    mu = torch.tensor(means0, requires_grad=True)
    sigma = torch.tensor(np.array(sigmas0).reshape(-1, 1), requires_grad=True)
    opt = optimizer(name, [logits, mu, sigma], 0.005, {"betas": (0.9, 0.99), "eps": 1e-5})
    mixture["runs"][name] = {"steps": record([logits, mu, sigma], lambda: nll(logits, mu, sigma), opt, 50)}

out = {"origin": "test/testdata/make_optimizer_race_fixture.py, torch " + torch.__version__ + ", float64; "
                 "grad and params are [logits, mu, sigma] flattened for the mixture",
       "kmeans": kmeans, "mixture": mixture}
json.dump(out, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
