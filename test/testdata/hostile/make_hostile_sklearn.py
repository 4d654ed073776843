"""scikit-learn's answers on the nasty-but-valid files of numbers/ (made by make_hostile.py), as
`deno task cli lloyd FILE --k 3` computes them: NumPy's split (seed 45689, a quarter for
validation), KMeans(n_clusters=3, n_init=10, max_iter=5000, algorithm="lloyd", random_state=0)
on the training rows, the training score inertia_ / N and the validation score, the mean squared
distance of the validation rows to the nearest centre. Run with Debian's python3 (scikit-learn 1.2):

    /usr/bin/python3 test/testdata/hostile/make_hostile_sklearn.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["bool_nonzero.npy", "int64_near_2e62.npy", "int64_be_near_min.npy", "uint64_near_2e64.npy"]


def main():
    out = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__, "files": {}}
    for name in FILES:
        x = np.load(os.path.join(HERE, "numbers", name)).astype(np.float64)
        np.random.seed(45689)
        idx = np.arange(len(x))
        np.random.shuffle(idx)
        valid, train = x[idx[: int(len(x) / 4)]], x[idx[int(len(x) / 4):]]
        km = KMeans(n_clusters=3, n_init=10, max_iter=5000, algorithm="lloyd", random_state=0).fit(train)
        distances = ((valid[:, None, :] - km.cluster_centers_[None, :, :]) ** 2).sum(-1).min(1)
        out["files"][name] = {
            "trainScore": km.inertia_ / len(train),
            "validScore": float(distances.mean()),
            "centers": km.cluster_centers_.tolist(),
        }
        print(name, out["files"][name]["trainScore"], out["files"][name]["validScore"])
    with open(os.path.join(HERE, "sklearn.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
