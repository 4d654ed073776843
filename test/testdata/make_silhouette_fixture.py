"""scikit-learn's silhouette_score on data2D's K-means validation split, labelled by Lloyd (k = 2..6).

Run: /usr/bin/python3 test/testdata/make_silhouette_fixture.py  (Debian's python3-sklearn)
Writes test/testdata/sklearn_silhouette.json.
"""
import json, pathlib
import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

here = pathlib.Path(__file__).parent
X = np.load(here.parent.parent / "src/data/data2D.npy")
valid_count = int(len(X) / 4)
np.random.seed(45689)
idx = np.arange(len(X)); np.random.shuffle(idx)
train, valid = X[idx[valid_count:]], X[idx[:valid_count]]
out = {"origin": "sklearn.metrics.silhouette_score(valid, KMeans(k, n_init=10, random_state=0, algorithm='lloyd').fit(train).predict(valid))", "scores": {}}
for k in range(2, 7):
    labels = KMeans(n_clusters=k, n_init=10, max_iter=5000, algorithm="lloyd", random_state=0).fit(train).predict(valid)
    out["scores"][k] = float(silhouette_score(valid, labels))
(here / "sklearn_silhouette.json").write_text(json.dumps(out, indent=1) + "\n")
print(out)
