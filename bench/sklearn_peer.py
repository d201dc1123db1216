#!/usr/bin/env python3
"""scikit-learn's NMF as a long-lived peer of bench/sklearn.ts: loads the strata once (stacked, float64,
as ../shared/bench/sklearn_baseline.py does) and the start, then answers one fit per line of stdin,
so that its fits can be interleaved with the other side's in one run without reloading the data.

    python3 bench/sklearn_peer.py DIR --rank K --init START.json
    stdin:  "cd 120" | "mu 20" ...    (solver, iterations; tol = 0 runs them all)
    stdout: one JSON line per request: seconds (the fit_transform call), iterations, normalized_loss

DIR holds the strata as bench/baseline_files.ts writes them (NAME.csv, NAME.mtx); START.json the
start {"W": [m_i×k per stratum], "H": k×n}. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE should be unset
for this process (bench/baseline_files.ts's pythonEnv does it).
"""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench"))
from numpy_baseline import load_dir  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path")
    ap.add_argument("--rank", type=int, required=True)
    ap.add_argument("--init", required=True)
    a = ap.parse_args()
    from sklearn.decomposition import NMF

    warnings.simplefilter("ignore")  # the ConvergenceWarning of every fit that runs max_iter

    _, mats = load_dir(a.path)
    sparse = any(sp.issparse(m) for m in mats)
    A = sp.vstack([sp.csr_matrix(m) for m in mats]).tocsr() if sparse else np.vstack(mats)
    A = A.astype(np.float64)
    k = a.rank
    start = json.load(open(a.init))
    W = np.vstack([np.asarray(w, dtype=np.float64).reshape(-1, k) for w in start["W"]])
    H = np.asarray(start["H"], dtype=np.float64).reshape(k, -1)
    norm = sp.linalg.norm(A) if sparse else np.linalg.norm(A)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        solver, iters = line.split()
        model = NMF(n_components=k, solver=solver, init="custom", max_iter=int(iters), tol=0)
        t = time.perf_counter()
        model.fit_transform(A, W=W.copy(), H=H.copy())
        seconds = time.perf_counter() - t
        print(json.dumps({
            "seconds": seconds,
            "iterations": int(model.n_iter_),
            "normalized_loss": float(model.reconstruction_err_ / norm),
        }), flush=True)


if __name__ == "__main__":
    main()
