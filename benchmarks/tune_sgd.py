"""Validation search for the SGD and Adam settings of notebook 05b, and for mfedu.sgd.sgd's defaults.

    python benchmarks/tune_sgd.py              # both searches (about 15 minutes on 2 busy shared cores)
    python benchmarks/tune_sgd.py --dense      # only the dense set of notebook 05b, sections 6a-8
    python benchmarks/tune_sgd.py --adam       # only its Adam + L2 and AdamW searches (SGD's rank 4)
    python benchmarks/tune_sgd.py --defaults   # only sgd()'s defaults, on the MovieLens-shaped set

Every search follows the same rule: carve a validation split (20 %) out of the TRAINING ratings,
train each setting of a grid on the rest, and score it at its best epoch on the validation split (the
number of epochs is tuned too). The test ratings are not looked at until the choice is made; then the
chosen setting is trained on the whole training split and scored on the test split once, printed
beside the oracle and the bias-only baseline (notebook 03, eq. (5)).

"SE" column: the standard error of the difference in validation MSE between a setting and the
best one, paired rating by rating, converted to RMSE units (divided by 2 x RMSE). Among the
settings within one SE of the best, the search takes the lowest rank, then the fewest epochs (the
one-standard-error rule, Hastie, Tibshirani, Friedman 2009, section 7.10).

Numbers, not pass/fail. Notebook 05b quotes the chosen settings (sections 6a-8); if this search and
mfedu's defaults disagree, the output says so. Output of the run the notebook quotes:

    SGD (dense set)  rank 4, lam 0.1, lr 0.02, 36 epochs     test 0.9210 (baseline 0.9781, oracle 0.8586)
    Adam + L2        rank 4, lam 0.1, lr 0.05, 24 epochs     test 0.9225   (validation 0.9493)
    AdamW            rank 4, weight_decay 0.3, lr 0.1, 32 epochs   test 0.9281   (validation 0.9560)

The Adam rows are from `--adam` after the 2026-12 fix of mfedu's bias updates in adam(biased=True)
(before it, the biases froze after the first step and Adam + L2 picked 13 epochs, test 0.9316).
Only the rank (SGD's 4), lam or weight_decay, lr and the epochs are searched for the Adams; the
mini-batch size (1,000) and beta1, beta2 stay at adam()'s defaults.
    sgd() defaults   the search picks rank 8, lam 0.12, lr 0.015, 34 epochs: it agrees (weak
                     evidence: the grid is three values a factor of 2 apart, centred on the defaults)
"""
from __future__ import annotations

import argparse
import itertools
import time

import numpy as np

from mfedu.data import train_test_split
from mfedu.sgd import DivergenceError, adam, sgd
from mfedu.synthetic import make_synthetic

N_EPOCHS = 40
DENSE = dict(seed=1, n_users=400, n_items=150, n_ratings=30_000)   # notebook 05b's dense set


def baseline_rmse(train, test, lam=10.0, sweeps=10):
    """Test RMSE of mu + b_u + b_i fitted by notebook 03's alternating damped means (its eq. (5))."""
    mu, u, i, r = train.values.mean(), train.users, train.items, train.values
    bu, bi = np.zeros(train.n_users), np.zeros(train.n_items)
    for _ in range(sweeps):
        bu = np.bincount(u, r - mu - bi[i], train.n_users) / (lam + train.user_counts())
        bi = np.bincount(i, r - mu - bu[u], train.n_items) / (lam + train.item_counts())
    return float(np.sqrt(np.mean((test.values - mu - bu[test.users] - bi[test.items]) ** 2)))


def search(name, fit, grid, fit_train, valid, n_epochs=N_EPOCHS, show=6):
    """Train ``fit(fit_train, test=valid, n_epochs, **setting)`` for every setting of ``grid``
    (a dict of lists), each scored at its best epoch on ``valid``. Returns the chosen
    (setting, epochs): among the settings within one standard error (paired) of the best
    validation RMSE, the lowest rank, then the fewest epochs (the "one-standard-error rule": the
    simplest and cheapest model the validation split cannot tell apart from the best)."""
    keys = list(grid)
    rows, t0 = [], time.perf_counter()
    for values in itertools.product(*(grid[k] for k in keys)):
        setting = dict(zip(keys, values))
        try:
            h = fit(fit_train, test=valid, n_epochs=n_epochs, **setting).history["test_rmse"]
        except DivergenceError as err:
            h = err.history["test_rmse"][:-1] or [np.inf]
        best = int(np.nanargmin(h))
        rows.append((h[best], best + 1, setting))
    rows.sort(key=lambda row: row[0])
    print(f"\n{name}: {len(rows)} settings x up to {n_epochs} epochs in {time.perf_counter() - t0:.0f} s; "
          f"best {show} by validation RMSE (epochs = where the validation RMSE was lowest; "
          f"SE = standard error of the difference to the best, paired):")
    top = fit(fit_train, n_epochs=rows[0][1], **rows[0][2])
    candidates = []                       # (rank, rmse, epochs, setting, SE of the gap to the best)
    for j, (rmse, epochs, setting) in enumerate(rows[:show]):
        se = _paired_se(top, fit(fit_train, n_epochs=epochs, **setting), valid) if j else 0.0
        candidates.append((setting.get("rank", 0), rmse, epochs, setting, se))
    chosen = min((c for c in candidates if c[1] - rows[0][0] <= c[4]), key=lambda c: (c[0], c[2]))
    for rank, rmse, epochs, setting, se in candidates:
        mark = "  <- chosen" if setting is chosen[3] else ""
        print(f"  {_fmt(setting):44s} epochs {epochs:3d}  validation RMSE {rmse:.4f}  "
              f"(+{rmse - rows[0][0]:.4f}, SE {se:.4f}){mark}")
    return chosen[3], chosen[2]


def _paired_se(a, b, ratings):
    """Standard error of RMSE(a) - RMSE(b) on ``ratings``, paired rating by rating."""
    ea = ratings.values - a.predict(ratings.users, ratings.items)
    eb = ratings.values - b.predict(ratings.users, ratings.items)
    d = ea ** 2 - eb ** 2
    return float(d.std(ddof=1) / np.sqrt(len(d)) / (2 * np.sqrt(np.mean(ea ** 2))))


def _fmt(setting):
    return ", ".join(f"{k} = {v:g}" for k, v in setting.items())


def final(name, fit, setting, epochs, train, test, oracle, base):
    h = fit(train, test=test, n_epochs=epochs, **setting).history["test_rmse"]
    print(f"  {name:10s} {_fmt(setting)}, {epochs} epochs: test RMSE {h[-1]:.4f}  "
          f"(baseline {base:.4f}, oracle {oracle:.4f})")


def dense(adam_only=False):
    data = make_synthetic(**DENSE)
    train, test = train_test_split(data.explicit, test_fraction=0.2, seed=0)     # as in the notebook
    fit_train, valid = train_test_split(train, test_fraction=0.2, seed=1)        # validation from train
    print(f"Dense set {DENSE}: {len(fit_train)} ratings to fit, {len(valid)} to validate, "
          f"{len(test)} test ratings untouched until the end")
    if adam_only:                          # the SGD choice of a full --dense run
        s_set, s_ep = {"rank": 4, "lam": 0.1, "lr": 0.02}, 36
    else:
        s_set, s_ep = search("SGD", sgd, {"rank": [1, 2, 4, 8, 16], "lam": [0.03, 0.06, 0.1, 0.15, 0.25],
                                              "lr": [0.005, 0.01, 0.02, 0.04]}, fit_train, valid)
    rank = s_set["rank"]
    a_set, a_ep = search(f"Adam + L2 (rank {rank})", adam,
                            {"rank": [rank], "lam": [0.03, 0.06, 0.1, 0.15, 0.25, 0.5],
                             "lr": [0.01, 0.02, 0.05, 0.1, 0.2]}, fit_train, valid)
    w_set, w_ep = search(f"AdamW (rank {rank})", adam,
                            {"rank": [rank], "lam": [0.0], "weight_decay": [0.1, 0.3, 1.0, 3.0],
                             "lr": [0.01, 0.02, 0.05, 0.1, 0.2]}, fit_train, valid)
    print("\nChosen on validation, trained on the whole training split, scored on test once:")
    oracle, base = data.truth.oracle_rmse(test), baseline_rmse(train, test)
    for name, fit, setting, epochs in (("SGD", sgd, s_set, s_ep), ("Adam + L2", adam, a_set, a_ep),
                                       ("AdamW", adam, w_set, w_ep)):
        final(name, fit, setting, epochs, train, test, oracle, base)


def defaults():
    data = make_synthetic(seed=0)
    train, test = train_test_split(data.explicit, test_fraction=0.2, seed=0)
    fit_train, valid = train_test_split(train, test_fraction=0.2, seed=1)
    print(f"\nMovieLens-shaped set: {len(fit_train)} ratings to fit, {len(valid)} to validate")
    setting, epochs = search("sgd() on the MovieLens-shaped set", sgd,
                                {"rank": [4, 8, 16], "lam": [0.06, 0.12, 0.25],
                                 "lr": [0.0075, 0.015, 0.03]}, fit_train, valid, n_epochs=60)
    current = {"rank": 8, "lam": 0.12, "lr": 0.015}
    h = sgd(fit_train, test=valid, n_epochs=60, **current).history["test_rmse"]
    gap = h[29] - min(h)
    se = _paired_se(sgd(fit_train, n_epochs=int(np.argmin(h)) + 1, **current),
                    sgd(fit_train, n_epochs=30, **current), valid)
    print(f"  mfedu's defaults {_fmt(current)}: validation RMSE {h[29]:.4f} after their 30 epochs, "
          f"lowest {min(h):.4f} at epoch {int(np.argmin(h)) + 1} (+{gap:.4f}, SE {se:.4f})")
    same = {k: setting[k] for k in current} == current and abs(epochs - 30) <= 10
    print(f"  the search {'agrees with' if same else 'DISAGREES with'} mfedu.sgd.sgd's defaults "
          f"(rank 8, lam 0.12, lr 0.015, 30 epochs)")
    oracle, base = data.truth.oracle_rmse(test), baseline_rmse(train, test)
    final("search", sgd, setting, epochs, train, test, oracle, base)
    final("defaults", sgd, current, 30, train, test, oracle, base)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dense", action="store_true", help="only the dense set of notebook 05b")
    parser.add_argument("--adam", action="store_true", help="only the Adam searches of the dense set")
    parser.add_argument("--defaults", action="store_true", help="only sgd()'s defaults")
    args = parser.parse_args()
    both = not (args.dense or args.defaults or args.adam)
    if args.adam:
        dense(adam_only=True)
    elif args.dense or both:
        dense()
    if args.defaults or both:
        defaults()
