"""The notebook's stack timed on the same work as bench/lib_bench.ts, for ratios in `npm run bench`.

Needs Debian's python3 with NumPy and scikit-learn (apt-get install -y python3-sklearn).
Run: /usr/bin/python3 bench/reference.py src/data/data2D.npy  -> one JSON object on stdout (milliseconds, medians).
"""
import json, sys, time
import numpy as np
from sklearn.cluster import KMeans

X = np.load(sys.argv[1])
valid = int(len(X) / 4)
np.random.seed(45689)
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
    np.random.seed(45689); np.random.shuffle(np.arange(n))

out = {
    "lloyd_k5_ms": median_ms(lambda: KMeans(n_clusters=5, max_iter=5000, algorithm="lloyd", n_init=10, random_state=0).fit(train)),
    "lloyd_k3_ms": median_ms(lambda: KMeans(n_clusters=3, max_iter=5000, algorithm="lloyd", n_init=10, random_state=0).fit(train)),
    "load_npy_ms": median_ms(lambda: np.load(sys.argv[1])),
    "split_10k_ms": median_ms(lambda: shuffle(10_000)),
    "split_1m_ms": median_ms(lambda: shuffle(1_000_000), runs=5),
}
print(json.dumps(out))
