"""The notebook's PyTorch training loops, timed on the configurations of the browser benchmark.

Gradient K-means (k = 5, 150 epochs, AdamW lr 0.1, the 7,500 training points of the K-means split)
and the gradient Gaussian mixture (k = 5, 1000 epochs, Adam lr 0.005, random init, the 6,667
training points of the mixture split), exactly as ../shared/reference/seed_reference.py (the
notebook's own code) writes them, float64. Each: one warm-up run, then the median of `runs` timed
runs, with the validation score of the last run as a fidelity check.

Needs Debian's python3 with NumPy, SciPy and PyTorch (apt-get install -y python3-torch python3-sklearn).
Run by `npm run bench`, which passes the notebook's split (lib/notebook_settings.ts) in the
environment variable NOTEBOOK_SETTINGS; prints one JSON object on stdout.
"""
import json, os, sys, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
from scipy.stats import truncnorm

SPLIT = json.loads(os.environ["NOTEBOOK_SETTINGS"])["split"]
X = np.load(sys.argv[1])
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def split(frac):
    valid = int(len(X) / frac)
    np.random.seed(SPLIT["seed"])
    idx = np.arange(len(X)); np.random.shuffle(idx)
    return X[idx[valid:]], X[idx[:valid]]


def evaluate(test, m):
    d = ((test[:, None, :] - m[None]) ** 2).sum(-1)
    return float(d.min(1).mean())


# The notebook's K-means loop, verbatim from seed_reference.py.
def train_kmean_torch(train, k=5, lr=0.1, epoch=150):
    m = torch.rand((k, train.shape[1]), requires_grad=True, dtype=torch.float64)
    Xt = torch.from_numpy(train)
    opt = torch.optim.AdamW([m], lr=lr)
    for e in range(epoch):
        lst = [torch.sum(nn.functional.mse_loss(Xt, m[i].expand_as(Xt), reduction='none'), dim=1, dtype=torch.float64) for i in range(k)]
        L = torch.mean(torch.min(torch.stack(lst, 0), 0)[0], dtype=torch.float64)
        opt.zero_grad(); L.backward(); opt.step()
    return float(L.detach()), m.detach().numpy()


# The notebook's mixture loop, verbatim from seed_reference.py (random init).
def distanceFunc(X, MU):
    return torch.sum((torch.unsqueeze(X, -1) - torch.unsqueeze(MU.T, 0)) ** 2, 1)


def log_GaussPDF(X, mu, sigma):
    dim = X.shape[-1]; Pi = torch.tensor(float(np.pi)); s2 = torch.square(sigma).T
    lp = distanceFunc(X, mu) / s2; lp += dim * torch.log(2 * Pi); lp += dim * torch.log(s2); lp *= -0.5
    return lp


def train_gmm(tr, te, k, epoch=1000):
    Xtr, Xte = torch.from_numpy(tr), torch.from_numpy(te)
    logits = torch.rand(k, requires_grad=True); mu = torch.randn((k, 2), requires_grad=True)
    sigma = torch.tensor(np.abs(truncnorm.rvs(-1, 1, size=(k, 1))), requires_grad=True)
    opt = torch.optim.Adam([logits, mu, sigma], lr=0.005, betas=(0.9, 0.99), eps=1e-5)
    for i in range(epoch):
        logpi = F.log_softmax(logits, dim=0)
        loss = -torch.logsumexp(log_GaussPDF(Xtr, mu, sigma) + logpi.T, dim=1).mean()
        opt.zero_grad(); loss.backward(); opt.step()
    logpi = F.log_softmax(logits, dim=0)
    return float(-torch.logsumexp(log_GaussPDF(Xte, mu, sigma) + logpi.T, dim=1).mean().detach())


def median_ms(fn, runs):
    fn()  # warm-up
    times, value = [], None
    for seed in range(runs):
        torch.manual_seed(seed); np.random.seed(seed)
        t0 = time.perf_counter(); value = fn(); times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times)), value


km_train, km_valid = split(SPLIT["kmeansValidDivisor"])
gm_train, gm_valid = split(SPLIT["mixtureValidDivisor"])
kmeans_ms, (_, centroids) = median_ms(lambda: train_kmean_torch(km_train), RUNS)
gmm_ms, gmm_nll = median_ms(lambda: train_gmm(gm_train, gm_valid, 5), max(3, RUNS // 2))
print(json.dumps({
    "kmeans_ms": kmeans_ms,
    "kmeans_valid_score": evaluate(km_valid, centroids),
    "gmm_ms": gmm_ms,
    "gmm_valid_nll": gmm_nll,
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
}))
