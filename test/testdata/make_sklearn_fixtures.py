"""scikit-learn reference results for the K-means tests.

Needs Debian's python3 with scikit-learn 1.2 (apt-get install -y python3-sklearn). Run from the
repository root:

    /usr/bin/python3 test/testdata/make_sklearn_fixtures.py

It regenerates, deterministically:

- sklearn_data2d.json   Lloyd on the notebook's K-means split of src/data/data2D.npy (first
                        int(N / 4) indices of np.random.seed(45689); shuffle(arange(N)) held out),
                        k = 1..5: validation score, inertia, centres and k-means++ indices. These are the same numbers as
                        kmeans[k] in ../shared/reference/data2D-reference.json (made by
                        ../shared/reference/seed_reference.py, the notebook's own code); when that
                        file is present this script checks that they agree.
- blobs/*.npy           seeded make_blobs datasets in d = 1, 10, 100 and 128 dimensions (float32
                        on disk for d >= 100 to keep the repository small; fitted as float64).
- sklearn_blobs.json    for each dataset and several k: inertia, centres and iterations of
                        KMeans(n_clusters=k, n_init=10, max_iter=5000, algorithm="lloyd",
                        random_state=0), and the indices kmeans_plusplus(X, k, random_state=0)
                        picks (the same draws as KMeans' first restart).
"""

import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.datasets import make_blobs

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED_REFERENCE = os.path.join(ROOT, "..", "shared", "reference", "data2D-reference.json")

warnings.simplefilter("ignore")  # sklearn 1.2's FutureWarning about n_init's default


def fit(X, k):
    return KMeans(n_clusters=k, n_init=10, max_iter=5000, algorithm="lloyd", random_state=0).fit(X)


def validation_score(points, centres):
    d = ((points[:, None, :] - centres[None]) ** 2).sum(-1)
    return float(d.min(1).mean())


def data2d():
    X = np.load(os.path.join(ROOT, "src", "data", "data2D.npy"))
    valid_count = int(len(X) / 4.0)
    np.random.seed(45689)
    idx = np.arange(len(X))
    np.random.shuffle(idx)
    train, valid = X[idx[valid_count:]], X[idx[:valid_count]]
    out = {}
    for k in range(1, 6):
        model = fit(train, k)
        out[str(k)] = {
            "lloyd_valid": validation_score(valid, model.cluster_centers_),
            "lloyd_inertia": float(model.inertia_),
            "lloyd_centers": model.cluster_centers_.tolist(),
            # The seeding alone: sklearn.cluster.kmeans_plusplus draws the same as KMeans' first restart.
            "kmeans_plusplus_indices": kmeans_plusplus(train, k, random_state=0)[1].tolist(),
        }
    if os.path.exists(SHARED_REFERENCE):
        with open(SHARED_REFERENCE) as f:
            reference = json.load(f)["kmeans"]
        for k, row in out.items():
            assert abs(row["lloyd_valid"] - reference[k]["lloyd_valid"]) <= 1e-12, k
            assert np.allclose(row["lloyd_centers"], reference[k]["lloyd_centers"], rtol=0, atol=1e-12), k
            assert abs(row["lloyd_inertia"] / len(train) - reference[k]["lloyd_train_inertia_mean"]) <= 1e-12, k
    return {
        "note": "scikit-learn " + sklearn.__version__ + " KMeans(n_clusters=k, n_init=10, max_iter=5000, "
                "algorithm='lloyd', random_state=0) on the K-means training split of src/data/data2D.npy "
                "(np.random.seed(45689); idx = shuffle(arange(10000)); valid = idx[:2500], train = idx[2500:]); "
                "lloyd_valid = mean squared distance of the validation points to their nearest centre. Same "
                "values as kmeans[k] in the project's shared data2D-reference.json (seed_reference.py). "
                "Made by test/testdata/make_sklearn_fixtures.py.",
        "n_train": int(len(train)),
        "n_valid": int(len(valid)),
        "kmeans": out,
    }


# (name, n, d, true clusters, cluster_std, ks to fit, dtype on disk)
BLOBS = [
    ("blobs_d1", 2000, 1, 3, 1.0, [1, 2, 3, 4], "<f8"),
    ("blobs_d10", 1500, 10, 4, 2.0, [3, 4, 6], "<f8"),
    ("blobs_d100", 600, 100, 5, 4.0, [5, 7], "<f4"),
    ("blobs_d128", 800, 128, 8, 3.0, [4, 8], "<f4"),
]


def blobs():
    directory = os.path.join(HERE, "blobs")
    os.makedirs(directory, exist_ok=True)
    out = []
    for seed, (name, n, d, centers, std, ks, dtype) in enumerate(BLOBS):
        X, _ = make_blobs(n_samples=n, n_features=d, centers=centers, cluster_std=std, random_state=100 + seed)
        stored = X.astype(dtype)
        np.save(os.path.join(directory, name + ".npy"), stored)
        X = stored.astype(np.float64)  # fit exactly the doubles the TypeScript reader will produce
        runs = []
        for k in ks:
            model = fit(X, k)
            runs.append({
                "k": k,
                "inertia": float(model.inertia_),
                "n_iter": int(model.n_iter_),
                "kmeans_plusplus_indices": kmeans_plusplus(X, k, random_state=0)[1].tolist(),
                "centers": model.cluster_centers_.tolist(),
            })
        out.append({"file": "blobs/" + name + ".npy", "n": n, "d": d, "runs": runs})
    return {
        "note": "scikit-learn " + sklearn.__version__ + " (NumPy " + np.__version__ + ") KMeans(n_clusters=k, "
                "n_init=10, max_iter=5000, algorithm='lloyd', random_state=0) on make_blobs datasets "
                "(random_state 100 + index), fitted on the float64 values of the stored file. Made by "
                "test/testdata/make_sklearn_fixtures.py.",
        "datasets": out,
    }


def dump(name, value):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")


def main():
    dump("sklearn_data2d.json", data2d())
    dump("sklearn_blobs.json", blobs())
    print("wrote", HERE)


if __name__ == "__main__":
    main()
