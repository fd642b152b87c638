"""Validation search behind notebook 07's hyperparameters (implicit ALS and its baselines).

    python benchmarks/tune_implicit.py            # the full grid, about 7 minutes on 1 core
    python benchmarks/tune_implicit.py --quick    # a coarser grid, about a minute

Every number here is a VALIDATION score: the synthetic play counts are split 80/20 into train
and test exactly as in notebook 07 (seed 0), and the search then carves 20 % of the TRAINING
pairs out as a validation set (seed 1). Models are fitted on the remaining 64,000 pairs and
ranked by precision@10 on the validation pairs; the test pairs are never looked at. Printed:

- implicit ALS (linear confidence), rank x lambda x alpha, with alpha -> 0 (1e-4) included:
  the "zeros at full weight" limit, where every c_ui is about 1;
- the same with the log confidence (3) at rank 16;
- the "observed entries only" fit (explicit ALS on p = 1, plain lambda), lambda searched;
- notebook 02's truncated SVD of the 0/1 matrix (missing = 0), rank searched;
- popularity.

For each model the best setting, and the settings within NOISE of it (the plateau): the
notebook estimates from repeated splits that two validation precisions@10 closer than about
0.005 cannot be told apart. Numbers, not pass/fail.
"""
from __future__ import annotations

import one_thread  # noqa: F401  (first: numpy's BLAS on one thread)

import argparse
import itertools
import time

import numpy as np

from mfedu import als, metrics, svdrec
from mfedu.data import Ratings, load_synthetic, train_test_split

NOISE = 0.005          # validation precision@10 differences below this are noise (notebook 07b)


def ones_like(r: Ratings) -> Ratings:
    """The 0/1 preferences p_ui of a count set: 1 on every played pair."""
    return Ratings(r.users, r.items, np.ones(len(r)), r.n_users, r.n_items)


def p10(model, val, fit):
    return metrics.precision_at_k(model, val, fit, k=10)


def report(name, scores):
    """scores: {setting tuple: precision@10}. Print the best and the plateau within NOISE."""
    best = max(scores, key=scores.get)
    near = sorted((s for s in scores if scores[s] >= scores[best] - NOISE), key=scores.get, reverse=True)
    print(f"\n{name}: best {best} -> validation precision@10 {scores[best]:.4f}")
    print(f"  within {NOISE} of it ({len(near)} of {len(scores)} settings):")
    for s in near[:12]:
        print(f"    {s}: {scores[s]:.4f}")
    if len(near) > 12:
        print(f"    ... and {len(near) - 12} more")
    return best


def main(quick: bool) -> None:
    counts = load_synthetic("implicit")
    train, _test = train_test_split(counts, test_fraction=0.2, seed=0)      # the notebook's split
    fit, val = train_test_split(train, test_fraction=0.2, seed=1)           # validation from train
    print(f"fit on {len(fit):,} pairs, validate on {len(val):,} (the {len(_test):,} test pairs are not used)")
    start = time.perf_counter()

    print(f"\npopularity: validation precision@10 {p10(metrics.popularity_baseline(fit), val, fit):.4f}")

    ranks = (8, 16, 32) if quick else (8, 16, 32, 64)
    lams = (10.0, 30.0, 100.0, 300.0) if quick else (3.0, 10.0, 20.0, 30.0, 50.0, 100.0, 200.0, 500.0, 1000.0)
    alphas = (1e-4, 0.05, 0.2, 1.0, 40.0) if quick else (1e-4, 0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 40.0)
    linear = {}
    for rank, lam, alpha in itertools.product(ranks, lams, alphas):
        linear[rank, lam, alpha] = p10(als.als_implicit(fit, rank=rank, lam=lam, alpha=alpha), val, fit)
    best = report("implicit ALS, linear confidence (rank, lam, alpha)", linear)
    print("  best lambda for each alpha (any rank):")
    for alpha in alphas:
        row = {s: v for s, v in linear.items() if s[2] == alpha}
        s = max(row, key=row.get)
        print(f"    alpha {alpha:>6g}: rank {s[0]:>2}, lam {s[1]:>6g} -> {row[s]:.4f}")
    default = (16, 30.0, 0.2)
    if default in linear:
        print(f"  mfedu's defaults {default}: {linear[default]:.4f} "
              f"({linear[best] - linear[default]:+.4f} from the best)")

    log = {}
    for lam, alpha in itertools.product(lams, (0.5, 1.0, 2.0, 5.0) if quick else (0.2, 0.5, 1.0, 2.0, 5.0, 10.0)):
        log[16, lam, alpha] = p10(als.als_implicit(fit, rank=16, lam=lam, alpha=alpha, confidence="log"), val, fit)
    report("implicit ALS, log confidence (rank, lam, alpha)", log)

    observed = {}
    for lam in (1.0, 5.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0):
        observed[16, lam] = p10(als.als_explicit(ones_like(fit), rank=16, lam=lam, weighted=False), val, fit)
    report("observed entries only: explicit ALS on p = 1, plain lambda (rank, lam)", observed)

    svd = {}
    for rank in (2, 4, 6, 8, 10, 12, 16, 24, 32):
        svd[(rank,)] = p10(svdrec.svd_recommender(ones_like(fit), rank=rank, impute="zero"), val, fit)
    report("truncated SVD of the 0/1 matrix, missing = 0 (rank,)", svd)
    print(f"\n{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a coarser grid")
    main(parser.parse_args().quick)
