"""Records torch.optim.AdamW step by step on two tiny problems, in float64, for test/adamw_test.ts.

Needs Debian's PyTorch (apt-get install -y python3-torch; made with torch 1.13):
    /usr/bin/python3 test/testdata/make_adamw_fixture.py > test/testdata/adamw_fixture.json

Problems (3 x 2 parameters, lr 0.1, 20 steps, every other AdamW setting at PyTorch's default:
betas (0.9, 0.999), eps 1e-8, weight_decay 0.01):
- "quadratic": loss = sum(C * (P - T)^2) with very different curvatures per entry, so Adam's
  per-entry normalisation and the decoupled weight decay both show.
- "kmeans": the seed notebook's K-means loss (mean over points of the squared distance to the
  nearest centroid, written as the notebook writes it) on six fixed 2-D points, three centroids.
For each step it stores the gradient PyTorch computed, then the parameters and both moment
estimates after optimizer.step().
"""
import json
import sys

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
LR, STEPS = 0.1, 20

C = torch.tensor([[1.0, 10.0], [0.1, 2.0], [5.0, 0.5]])
T = torch.tensor([[1.0, -1.0], [0.0, 2.0], [0.5, 0.5]])
POINTS = torch.tensor([[0.0, 0.0], [0.2, 0.1], [2.0, 2.1], [2.2, 1.9], [-1.0, 3.0], [-1.2, 2.8]])


def quadratic(p):
    return torch.sum(C * (p - T) ** 2)


def kmeans(m):
    # The notebook's formulation: per-centroid squared distances, min over centroids, mean over points.
    k = m.shape[0]
    per_centroid = [torch.sum(nn.functional.mse_loss(POINTS, m[i].expand_as(POINTS), reduction="none"), dim=1)
                    for i in range(k)]
    return torch.mean(torch.min(torch.stack(per_centroid, 0), 0)[0])


def record(loss_fn, initial):
    p = torch.tensor(initial, requires_grad=True)
    opt = torch.optim.AdamW([p], lr=LR)
    steps = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(p)
        loss.backward()
        grad = p.grad.detach().clone()
        opt.step()
        state = opt.state[p]
        steps.append({"loss": float(loss.detach()), "grad": grad.tolist(), "params": p.detach().tolist(),
                      "expAvg": state["exp_avg"].tolist(), "expAvgSq": state["exp_avg_sq"].tolist()})
    return {"initial": initial, "steps": steps}


defaults = torch.optim.AdamW([torch.zeros(1, requires_grad=True)]).defaults
out = {
    "origin": "test/testdata/make_adamw_fixture.py, torch " + torch.__version__ + ", float64",
    "optimizer": {"lr": LR, "betas": list(defaults["betas"]), "eps": defaults["eps"],
                  "weightDecay": defaults["weight_decay"]},
    "quadratic": {"C": C.tolist(), "T": T.tolist(),
                  **record(quadratic, [[0.5, -1.2], [2.0, 0.3], [-0.7, 1.5]])},
    "kmeans": {"points": POINTS.tolist(), **record(kmeans, [[0.1, 0.9], [0.6, 0.3], [0.8, 0.7]])},
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
