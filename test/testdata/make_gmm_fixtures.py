"""scikit-learn reference results for the Gaussian mixture (EM) tests.

Needs Debian's python3 with scikit-learn 1.2 (apt-get install -y python3-sklearn). Run from the
repository root:

    /usr/bin/python3 test/testdata/make_gmm_fixtures.py

It regenerates, deterministically:

- sklearn_gmm.json      GaussianMixture(n_components=k, covariance_type="spherical", n_init=10,
                        tol=1e-3, reg_covar=1e-6, max_iter=1000, init_params="kmeans",
                        random_state=0) fitted on the training part of a split, for several k:
                        validation NLL (-score on the held-out points), training NLL, lower bound,
                        iterations, convergence, means, variances, weights, and bic/aic of both
                        parts. Two datasets:
                          * data2D: the notebook's mixture split of src/data/data2D.npy
                            (np.random.seed(45689); idx = shuffle(arange(10000)); the first
                            int(10000 / 3) indices are validation), k = 1..5. When
                            ../shared/reference/data2D-reference.json is present (the notebook's
                            own run, seed_reference.py) the validation NLLs are checked against it.
                          * blobs_gmm_d100: blobs/blobs_gmm_d100.npy, written here, split the same
                            way (seed 45689, divisor 3), k = 3 and 5.
- blobs/blobs_gmm_d100.npy  make_blobs(n_samples=2000, n_features=100, centers=4,
                        cluster_std=[1, 2, 3, 1.5], random_state=7), stored as float32 to keep the
                        repository small and fitted as the float64 values of the stored file.
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import make_blobs
from sklearn.mixture import GaussianMixture

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED_REFERENCE = os.path.join(ROOT, "..", "shared", "reference", "data2D-reference.json")

SPLIT_SEED = 45689
VALID_DIVISOR = 3.0

warnings.simplefilter("ignore")  # ConvergenceWarning is recorded as "converged" instead


def split(X):
    valid_count = int(len(X) / VALID_DIVISOR)
    np.random.seed(SPLIT_SEED)
    idx = np.arange(len(X))
    np.random.shuffle(idx)
    return X[idx[valid_count:]], X[idx[:valid_count]]


def fit(train, k):
    return GaussianMixture(
        n_components=k,
        covariance_type="spherical",
        n_init=10,
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=1000,
        init_params="kmeans",
        random_state=0,
    ).fit(train)


def record(train, valid, k):
    model = fit(train, k)
    return {
        "k": k,
        "valid_nll": float(-model.score(valid)),
        "train_nll": float(-model.score(train)),
        "lower_bound": float(model.lower_bound_),
        "n_iter": int(model.n_iter_),
        "converged": bool(model.converged_),
        "means": model.means_.tolist(),
        "variances": model.covariances_.tolist(),
        "weights": model.weights_.tolist(),
        "bic_train": float(model.bic(train)),
        "aic_train": float(model.aic(train)),
        "bic_valid": float(model.bic(valid)),
        "aic_valid": float(model.aic(valid)),
        # A few per-point values, to pin the log-density formula itself.
        "valid_head_log_likelihood": model.score_samples(valid[:5]).tolist(),
        "valid_head_predict": model.predict(valid[:5]).tolist(),
    }


def data2d():
    X = np.load(os.path.join(ROOT, "src", "data", "data2D.npy"))
    train, valid = split(X)
    runs = [record(train, valid, k) for k in range(1, 6)]
    if os.path.exists(SHARED_REFERENCE):
        with open(SHARED_REFERENCE) as f:
            reference = json.load(f)["gmm"]
        for run in runs:
            expected = reference[str(run["k"])]["em_spherical_valid_nll"]
            assert abs(run["valid_nll"] - expected) <= 1e-12, (run["k"], run["valid_nll"], expected)
    return {"file": "src/data/data2D.npy", "n_train": len(train), "n_valid": len(valid), "runs": runs}


def blobs():
    X, _ = make_blobs(n_samples=2000, n_features=100, centers=4, cluster_std=[1.0, 2.0, 3.0, 1.5], random_state=7)
    stored = X.astype("<f4")
    os.makedirs(os.path.join(HERE, "blobs"), exist_ok=True)
    np.save(os.path.join(HERE, "blobs", "blobs_gmm_d100.npy"), stored)
    train, valid = split(stored.astype(np.float64))
    runs = [record(train, valid, k) for k in (3, 5)]
    return {"file": "test/testdata/blobs/blobs_gmm_d100.npy", "n_train": len(train), "n_valid": len(valid), "runs": runs}


def main():
    out = {
        "note": "scikit-learn " + sklearn.__version__ + " (NumPy " + np.__version__ + ") GaussianMixture("
                "n_components=k, covariance_type='spherical', n_init=10, tol=1e-3, reg_covar=1e-6, max_iter=1000, "
                "init_params='kmeans', random_state=0) fitted on the training part of the seeded split "
                "(np.random.seed(45689); idx = shuffle(arange(n)); valid = idx[:int(n / 3)], train = the rest). "
                "valid_nll = -score(valid). data2D's valid_nll equal em_spherical_valid_nll in the project's "
                "shared data2D-reference.json (seed_reference.py). Made by test/testdata/make_gmm_fixtures.py.",
        "data2d": data2d(),
        "blobs_d100": blobs(),
    }
    with open(os.path.join(HERE, "sklearn_gmm.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for name in ("data2d", "blobs_d100"):
        for run in out[name]["runs"]:
            print(name, run["k"], run["valid_nll"], run["n_iter"], run["converged"])


if __name__ == "__main__":
    main()
