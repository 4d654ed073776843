"""Per-seed reference for the gradient mixture: the seed notebook's own training loop (PyTorch,
Adam(lr=0.005, betas=(0.9, 0.99), eps=1e-5), 1000 epochs, -logsumexp(log_GaussPDF + log_softmax).mean()),
run in float64 from the initial parameters our TypeScript draws (lib/gradient/gradient_gmm.ts, init
"random"), so that each seed can be compared one to one with both engines.

The notebook draws torch.rand(k) logits, torch.randn(k, 2) means and |truncnorm(-1, 1)| sigmas,
streams TypeScript cannot reproduce. Here, from np.random.RandomState(seed) and in this order:
random_sample(k) logits, standard_normal((k, d)) means, then k sigmas, each |z| of the first
standard normal z in [-1, 1] (rejection, as initialMixture() draws them).

Needs Debian's PyTorch (apt-get install -y python3-torch; made with torch 1.13):
    /usr/bin/python3 test/testdata/make_pytorch_gmm_fixture.py src/data/data2D.npy \
        > test/testdata/pytorch_gmm_numpy_init.json
"""
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F

X = np.load(sys.argv[1])
valid_count = int(len(X) / 3.0)
np.random.seed(45689)
idx = np.arange(len(X))
np.random.shuffle(idx)
train, valid = X[idx[valid_count:]], X[idx[:valid_count]]
EPOCHS = 1000
REPORTED = (1, 10, 100, 1000)


def initial(k, d, seed):
    rng = np.random.RandomState(seed)
    logits = rng.random_sample(k)
    means = rng.standard_normal((k, d))
    sigmas = []
    while len(sigmas) < k:
        z = rng.standard_normal()
        if -1 <= z <= 1:
            sigmas.append(abs(z))
    return logits, means, np.array(sigmas)


# The notebook's log-density and loss, as in seed_reference.py.
def distanceFunc(X, MU):
    return torch.sum((torch.unsqueeze(X, -1) - torch.unsqueeze(MU.T, 0)) ** 2, 1)


def log_GaussPDF(X, mu, sigma):
    dim = X.shape[-1]; Pi = torch.tensor(float(np.pi), dtype=torch.float64); s2 = torch.square(sigma).T
    lp = distanceFunc(X, mu) / s2; lp += dim * torch.log(2 * Pi); lp += dim * torch.log(s2); lp *= -0.5
    return lp


def nll(Xt, logits, mu, sigma):
    logpi = F.log_softmax(logits, dim=0)
    return -torch.logsumexp(log_GaussPDF(Xt, mu, sigma) + logpi.T, dim=1).mean()


def train_gmm(start):
    logits0, means0, sigmas0 = start
    Xtr, Xte = torch.from_numpy(train), torch.from_numpy(valid)
    logits = torch.tensor(logits0, requires_grad=True)
    mu = torch.tensor(means0, requires_grad=True)
    sigma = torch.tensor(sigmas0.reshape(-1, 1), requires_grad=True)
    opt = torch.optim.Adam([logits, mu, sigma], lr=0.005, betas=(0.9, 0.99), eps=1e-5)
    losses = {}
    for epoch in range(1, EPOCHS + 1):
        loss = nll(Xtr, logits, mu, sigma)
        if epoch in REPORTED:
            losses[str(epoch)] = float(loss.detach())  # the loss of the parameters after epoch - 1
        opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad():
        return {
            "means": mu.numpy().tolist(), "sigmas": np.abs(sigma.numpy().ravel()).tolist(),
            "weights": F.softmax(logits, dim=0).numpy().tolist(),
            "trainNLL": float(nll(Xtr, logits, mu, sigma)), "validNLL": float(nll(Xte, logits, mu, sigma)),
            "lossAtEpoch": losses,
        }


out = {"origin": "test/testdata/make_pytorch_gmm_fixture.py, torch " + torch.__version__ + ", float64, "
                 "data2D.npy split as the notebook (seed 45689, validation = first third)",
       "epochs": EPOCHS, "lr": 0.005, "mixture": {}}
for k in (3, 5):
    runs = []
    for seed in range(5):
        start = initial(k, X.shape[1], seed)
        run = train_gmm(start)
        run.update({"seed": seed, "initialLogits": start[0].tolist(), "initialMeans": start[1].tolist(),
                    "initialSigmas": start[2].tolist()})
        runs.append(run)
        print("k", k, "seed", seed, "valid NLL", run["validNLL"], file=sys.stderr)
    out["mixture"][str(k)] = runs
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
