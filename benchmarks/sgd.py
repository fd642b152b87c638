"""Benchmarks for mfedu.sgd: vectorised vs loop speed, accuracy vs the oracle, lr limits, slider cost.

    python benchmarks/sgd.py             # everything (about 2-3 minutes on 2 shared cores)
    python benchmarks/sgd.py --speed     # only the vectorised / loop ratio

Numbers, not pass/fail: targets are printed beside them. Timings on a shared machine are noisy,
so the ratio is measured in one run, the two versions interleaved on the same orders, and the
median of the repeats is reported with its range.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from mfedu.data import train_test_split
from mfedu.synthetic import make_synthetic
from mfedu.sgd import (DivergenceError, adam, conflict_free_batches, gradient_descent, sgd, sgd_epoch,
                       sgd_epoch_loop)

TARGET_RATIO, TARGET_GAP, TARGET_SLIDER_S = 20.0, 0.03, 0.15


def speed(train, rank=20, repeats=5):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(0, 0.1, (train.n_users, rank)), rng.normal(0, 0.1, (train.n_items, rank))
    mu, bu, bi = float(train.values.mean()), np.zeros(train.n_users), np.zeros(train.n_items)
    t_vec, t_loop, t_levels, gaps, n_batches = [], [], [], [], []
    for _ in range(repeats):
        order = rng.permutation(len(train))
        a = [X.copy(), Y.copy(), bu.copy(), bi.copy()]
        b = [X.copy(), Y.copy(), bu.copy(), bi.copy()]
        t0 = time.perf_counter()
        sgd_epoch(train, a[0], a[1], 0.015, 0.12, mu, a[2], a[3], order)
        t1 = time.perf_counter()
        sgd_epoch_loop(train, b[0], b[1], 0.015, 0.12, mu, b[2], b[3], order)
        t2 = time.perf_counter()
        batches = conflict_free_batches(train.users[order], train.items[order])
        t3 = time.perf_counter()
        t_vec.append(t1 - t0), t_loop.append(t2 - t1), t_levels.append(t3 - t2)
        gaps.append(max(np.abs(p - q).max() for p, q in zip(a, b)))
        n_batches.append(len(batches))
    med = statistics.median
    ratios = [lo / ve for lo, ve in zip(t_loop, t_vec)]
    print(f"SGD epoch, rank {rank}, {len(train)} ratings, {repeats} orders (median [min, max]):")
    print(f"  loop       {med(t_loop) * 1e3:7.1f} ms  [{min(t_loop) * 1e3:.1f}, {max(t_loop) * 1e3:.1f}]")
    print(f"  vectorised {med(t_vec) * 1e3:7.1f} ms  [{min(t_vec) * 1e3:.1f}, {max(t_vec) * 1e3:.1f}]"
          f"   of which assigning the batches (conflict_free_batches) {med(t_levels) * 1e3:.1f} ms")
    print(f"  batches per epoch {min(n_batches)}-{max(n_batches)} (largest user degree "
          f"{train.user_counts().max()}, item degree {train.item_counts().max()})")
    print(f"  ratio loop / vectorised {med(ratios):.1f}x [{min(ratios):.1f}, {max(ratios):.1f}]"
          f"   (target >= {TARGET_RATIO:g}x); without the level assignment "
          f"{med(t_loop) / (med(t_vec) - med(t_levels)):.1f}x")
    print(f"  largest |vectorised - loop| {max(gaps):.1e} (must be <= 1e-12)")


def accuracy(train, test, oracle):
    print(f"\nAccuracy on the 80/20 split of the synthetic set: oracle {oracle:.4f}, "
          f"mean-only {np.sqrt(np.mean((test.values - train.values.mean()) ** 2)):.4f}")
    runs = {"sgd() defaults": lambda: sgd(train, test=test),
            "adam() defaults": lambda: adam(train, test=test),
            "AdamW lam=0, weight_decay=0.5": lambda: adam(train, lam=0.0, weight_decay=0.5, test=test),
            "gradient_descent() defaults": lambda: gradient_descent(train, test=test),
            "gradient_descent(biased, lam=10, lr=1e-3, 300)":
                lambda: gradient_descent(train, biased=True, lam=10.0, lr=1e-3, n_iters=300, test=test),
            "sgd(lam=0.1, lr=0.01, 40 epochs)": lambda: sgd(train, lam=0.1, lr=0.01, n_epochs=40, test=test)}
    for name, run in runs.items():
        h = run().history
        n = len(h["loss"])
        best = int(np.argmin(h["test_rmse"]))
        print(f"  {name:48s} test {h['test_rmse'][-1]:.4f} ({h['test_rmse'][-1] / oracle - 1:+.1%} "
              f"vs oracle; target {TARGET_GAP:+.0%})  train {h['train_rmse'][-1]:.4f}  "
              f"lowest test {h['test_rmse'][best]:.4f} at {best + 1}/{n}  "
              f"{h['seconds'][-1] / n * 1e3:.0f} ms per epoch/step")


def limits(train):
    print("\nLearning-rate limits on the 80k train split (defaults otherwise):")
    cases = [("gradient_descent", gradient_descent, dict(n_iters=100), (4e-4, 6e-4, 8e-4, 1e-3, 1.2e-3)),
             ("gradient_descent biased", gradient_descent, dict(n_iters=100, biased=True),
              (1.5e-3, 1.7e-3, 1.8e-3, 2e-3, 2.5e-3)),
             ("sgd", sgd, dict(n_epochs=20), (0.05, 0.1, 0.2, 0.3, 0.4, 0.5)),
             ("adam", adam, dict(n_epochs=10), (0.05, 0.2, 1.0))]
    for name, trainer, kw, lrs in cases:
        for lr in lrs:
            try:
                loss = trainer(train, lr=lr, **kw).history["loss"]
                monotone = bool(np.all(np.diff(loss) <= 0))
                verdict = f"finished; loss {loss[0]:.4g} -> {loss[-1]:.4g}, " \
                          f"{'monotone' if monotone else 'NOT monotone'}"
            except DivergenceError as err:
                verdict = f"DivergenceError at {err.epoch}"
            print(f"  {name:24s} lr = {lr:<8g} {verdict}")


def slider(train, small_train):
    print(f"\nSlider cost (one call, fit + history; target ~{TARGET_SLIDER_S} s):")
    cases = [("sgd rank 8, 3 epochs", lambda d: sgd(d, n_epochs=3)),
             ("sgd rank 8, 5 epochs", lambda d: sgd(d, n_epochs=5)),
             ("sgd rank 8, 30 epochs", lambda d: sgd(d, n_epochs=30)),
             ("adam rank 8, 2 epochs", lambda d: adam(d, n_epochs=2)),
             ("adam rank 8, 20 epochs", lambda d: adam(d, n_epochs=20)),
             ("gradient_descent rank 8, 5 steps", lambda d: gradient_descent(d, n_iters=5)),
             ("gradient_descent rank 8, 30 steps", lambda d: gradient_descent(d, n_iters=30))]
    for name, run in cases:
        for label, data in (("80k train", train), (f"{len(small_train)} train", small_train)):
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                run(data)
                times.append(time.perf_counter() - t0)
            print(f"  {name:34s} {label:10s} {statistics.median(times):6.3f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--speed", action="store_true", help="only the speed ratio")
    args = parser.parse_args()
    syn = make_synthetic()
    train, test = train_test_split(syn.explicit, 0.2, seed=0)
    speed(train)
    if args.speed:
        return
    accuracy(train, test, syn.truth.oracle_rmse(test))
    limits(train)
    small = make_synthetic(seed=3, n_users=250, n_items=250, n_ratings=15_000)   # notebook 04's
    slider(train, train_test_split(small.explicit, 0.2, seed=0)[0])


if __name__ == "__main__":
    main()
