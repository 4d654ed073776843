"""Reference for soft K-means (lib/soft_kmeans/): soft Lloyd's iterates and the free energy in NumPy,
and the free energy's gradient by PyTorch autograd, all float64, on data2D's K-means training split.

The free energy is F = -(1/(beta N)) sum_i logsumexp_j(-beta ||x_i - c_j||^2); soft Lloyd moves every
centroid to the mean of the points weighted by r_ij = softmax_j(-beta ||x_i - c_j||^2). The starts are
the notebook's uniform start drawn as np.random.RandomState(seed).random_sample((k, 2)) (seed 0, k = 5)
and the hand-placed start of the /kmeans lesson "A centroid dies".

Needs Debian's PyTorch (apt-get install -y python3-torch; made with torch 1.13):
    /usr/bin/python3 test/testdata/make_soft_kmeans_fixture.py src/data/data2D.npy \
        > test/testdata/soft_kmeans.json
"""
import json
import sys

import numpy as np
import torch

X = np.load(sys.argv[1])
valid_count = int(len(X) / 4.0)
np.random.seed(45689)
idx = np.arange(len(X))
np.random.shuffle(idx)
train = X[idx[valid_count:]]
BETAS = (0.1, 1.0, 10.0, 100.0)
ITERATIONS = 10
STARTS = {
    "uniform-seed-0": np.random.RandomState(0).random_sample((5, 2)),
    "dead-centroid": np.array([[-2, -3], [2, -3], [0, 0], [2, 1], [6, 5]], dtype=np.float64),
}


def squared_distances(x, c):
    return ((x[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)


def free_energy(x, c, beta):
    a = -beta * squared_distances(x, c)
    m = a.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(a - m).sum(axis=1))
    return float(-lse.mean() / beta)


def soft_lloyd_step(x, c, beta):
    a = -beta * squared_distances(x, c)
    r = np.exp(a - a.max(axis=1, keepdims=True))
    r /= r.sum(axis=1, keepdims=True)
    mass = r.sum(axis=0)
    # A centroid whose responsibilities all underflow to 0 stays where it is.
    return np.where(mass[:, None] > 0, (r.T @ x) / np.where(mass > 0, mass, 1)[:, None], c)


def torch_gradient(x, c, beta):
    xt = torch.from_numpy(x)
    ct = torch.tensor(c, requires_grad=True)
    d2 = ((xt[:, None, :] - ct[None, :, :]) ** 2).sum(dim=2)
    f = -torch.logsumexp(-beta * d2, dim=1).mean() / beta
    f.backward()
    return float(f.detach()), ct.grad.numpy().tolist()


cases = []
for name, start in STARTS.items():
    for beta in BETAS:
        iterates, energies = [start.tolist()], [free_energy(train, start, beta)]
        c = start
        for _ in range(ITERATIONS):
            c = soft_lloyd_step(train, c, beta)
            iterates.append(c.tolist())
            energies.append(free_energy(train, c, beta))
        torch_f, gradient = torch_gradient(train, start, beta)
        cases.append({
            "start": name, "beta": beta, "iterates": iterates, "freeEnergies": energies,
            "torchFreeEnergy": torch_f, "gradient": gradient,
        })

# The largest eigenvalue of the training points' covariance (divided by N): soft K-means' first
# critical beta is 1 / (2 lambda_max).
lambda_max = float(np.linalg.eigvalsh(np.cov(train.T, bias=True))[-1])

json.dump({
    "numpy": np.__version__, "torch": torch.__version__, "iterations": ITERATIONS, "lambdaMax": lambda_max,
    "cases": cases,
}, sys.stdout, indent=1)
print()
