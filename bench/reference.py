"""The notebook's stack timed on the same work as bench/lib_bench.ts, for ratios in `npm run bench`.

Needs Debian's python3 with NumPy and scikit-learn (apt-get install -y python3-sklearn).
Run by `npm run bench`, which passes the notebook's settings (lib/notebook_settings.ts) in the
environment variable NOTEBOOK_SETTINGS: {"split": {"seed", "kmeansValidDivisor", ...}, "lloyd": {"nInit", "maxIter", ...}}.
Prints one JSON object on stdout (milliseconds, medians).
"""
import json, os, sys, time
import numpy as np
from sklearn.cluster import KMeans

SETTINGS = json.loads(os.environ["NOTEBOOK_SETTINGS"])
SEED, LLOYD = SETTINGS["split"]["seed"], SETTINGS["lloyd"]
X = np.load(sys.argv[1])
valid = int(len(X) / SETTINGS["split"]["kmeansValidDivisor"])
np.random.seed(SEED)
idx = np.arange(len(X))
np.random.shuffle(idx)
train = X[idx[valid:]]

def median_ms(fn, runs=15):
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter(); fn(); times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))

def shuffle(n):
    np.random.seed(SEED); np.random.shuffle(np.arange(n))

out = {
    "lloyd_k5_ms": median_ms(lambda: KMeans(n_clusters=5, max_iter=LLOYD["maxIter"], algorithm="lloyd", n_init=LLOYD["nInit"], random_state=LLOYD["seed"]).fit(train)),
    "lloyd_k3_ms": median_ms(lambda: KMeans(n_clusters=3, max_iter=LLOYD["maxIter"], algorithm="lloyd", n_init=LLOYD["nInit"], random_state=LLOYD["seed"]).fit(train)),
    "load_npy_ms": median_ms(lambda: np.load(sys.argv[1])),
    "split_10k_ms": median_ms(lambda: shuffle(10_000)),
    "split_1m_ms": median_ms(lambda: shuffle(1_000_000), runs=5),
}
print(json.dumps(out))
