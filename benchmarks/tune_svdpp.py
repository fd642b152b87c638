"""Validation searches for mfedu.advanced.svdpp's and timesvdpp's defaults (notebook 09).

    python benchmarks/tune_svdpp.py          # svdpp: about 5 minutes on a quiet core
    python benchmarks/tune_svdpp.py --time   # timesvdpp's time penalties and bins (svdpp's
                                             # defaults for the rest): about 3 minutes

The rule of benchmarks/tune_sgd.py: the timed synthetic set is split 80/20 (seed 0, the split of
benchmarks/advanced.py); a validation split (20 %, seed 1) is carved out of the TRAINING ratings;
every setting of the grid trains on the rest and is scored on the validation split at each epoch
(the number of epochs is tuned too, up to N_EPOCHS). The test ratings are not looked at. The best
validation RMSE gives svdpp's defaults; the N_REFIT best settings are refitted to print the paired
standard error of their gap to the best (rating by rating, in RMSE units), which says whether the
choice among them matters.

Output of the run that chose the defaults (2026-12-03, 36 settings):
    best: rank 8, lam 0.15, lam_z 1.0, lr 0.015, 10 epochs, validation 0.9775
    the next 7 (ranks 8 and 20, lam 0.1-0.15, lam_z 0.3-1, lr 0.01-0.015, 6-15 epochs) are within
    0.0003 of it, each gap below one paired SE (0.0003-0.0009): the surface is flat there;
    the best with lam_z = 3 is 0.0018 behind, the best with lam = 0.25 0.0022.

Output of the --time run that chose timesvdpp's defaults (2026-12-03, 54 settings; re-run the
same day after time_effects moved to calendar days: the same defaults win):
    best: n_bins 6, lam_bin 25, lam_alpha 500, lam_day 10, 12 epochs, validation 0.9415 (0.9478
    before the calendar-day fix); the next three are within 0.0008 (paired SE 0.0003-0.0004);
    every n_bins = 30 setting is at least 0.0023 behind, and lam_day (3 or 30 instead of 10)
    moves it most: +0.0045 to +0.0056 at the best bins and drift penalties.
"""
from __future__ import annotations

import itertools

import numpy as np

import argparse

from mfedu.advanced import svdpp, timesvdpp
from mfedu.data import train_test_split
from mfedu.synthetic import make_timed

N_EPOCHS = 30
GRID = dict(rank=(8, 20), lam=(0.1, 0.15, 0.25), lam_z=(0.3, 1.0, 3.0), lr=(0.01, 0.015))
N_REFIT = 8      # the best settings refitted to pair their validation errors with the best one
TIME_GRID = dict(n_bins=(6, 30), lam_bin=(5.0, 25.0, 100.0), lam_alpha=(100.0, 500.0, 2000.0),
                 lam_day=(3.0, 10.0, 30.0))


def defaults(f, grid):
    return {name: p.default for name, p in __import__("inspect").signature(f).parameters.items()
            if name in grid or name == "n_epochs"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time", action="store_true", help="search timesvdpp's time settings instead")
    args = parser.parse_args()
    f, grid = (timesvdpp, TIME_GRID) if args.time else (svdpp, GRID)
    train, _ = train_test_split(make_timed(seed=0).ratings, 0.2, seed=0)
    fit, valid = train_test_split(train, 0.2, seed=1)
    print(f"{f.__name__} search: {len(fit):,} fitting and {len(valid):,} validation ratings (from the "
          f"80 % training split), up to {N_EPOCHS} epochs")
    results = []
    for values in itertools.product(*grid.values()):
        setting = dict(zip(grid, values))
        model = f(fit, n_epochs=N_EPOCHS, test=valid, **setting)
        curve = np.array(model.history["test_rmse"])
        best = int(np.argmin(curve))
        results.append((curve[best], best + 1, setting))
        print(f"  {setting}: best validation {curve[best]:.4f} at epoch {best + 1}", flush=True)
    results.sort(key=lambda row: row[0])
    best_rmse, best_epochs, best_setting = results[0]

    def errors(epochs, setting):
        model = f(fit, n_epochs=epochs, **setting)
        return (model.predict_ratings(valid) - valid.values) ** 2

    # the paired standard error of each near setting's gap to the best (rating by rating, in RMSE
    # units: divided by 2 x RMSE), for the N_REFIT best settings
    e_best = errors(best_epochs, best_setting)
    for rmse, epochs, setting in results[:N_REFIT]:
        e = errors(epochs, setting)
        gap = e / (2 * np.sqrt(e.mean())) - e_best / (2 * np.sqrt(e_best.mean()))
        se = float(gap.std(ddof=1) / np.sqrt(len(gap))) if setting is not best_setting else 0.0
        print(f"  {setting}, {epochs} epochs: validation {rmse:.4f} (+{rmse - best_rmse:.4f}, paired SE {se:.4f})")
    print(f"\nbest: {best_setting}, {best_epochs} epochs, validation {best_rmse:.4f}")
    print(f"{f.__name__}'s defaults: {defaults(f, grid)}")


if __name__ == "__main__":
    main()
