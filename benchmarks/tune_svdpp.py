"""Validation search for mfedu.advanced.svdpp's defaults (notebook 09).

    python benchmarks/tune_svdpp.py        # about 5 minutes on a quiet core

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
"""
from __future__ import annotations

import itertools

import numpy as np

from mfedu.advanced import svdpp
from mfedu.data import train_test_split
from mfedu.synthetic import make_timed

N_EPOCHS = 30
GRID = dict(rank=(8, 20), lam=(0.1, 0.15, 0.25), lam_z=(0.3, 1.0, 3.0), lr=(0.01, 0.015))
N_REFIT = 8      # the best settings refitted to pair their validation errors with the best one
DEFAULTS = {name: p.default for name, p in __import__("inspect").signature(svdpp).parameters.items()
            if name in GRID or name == "n_epochs"}


def main():
    train, _ = train_test_split(make_timed(seed=0).ratings, 0.2, seed=0)
    fit, valid = train_test_split(train, 0.2, seed=1)
    print(f"svdpp search: {len(fit):,} fitting and {len(valid):,} validation ratings (from the 80 % "
          f"training split), up to {N_EPOCHS} epochs")
    results = []
    for values in itertools.product(*GRID.values()):
        setting = dict(zip(GRID, values))
        model = svdpp(fit, n_epochs=N_EPOCHS, test=valid, **setting)
        curve = np.array(model.history["test_rmse"])
        best = int(np.argmin(curve))
        results.append((curve[best], best + 1, setting))
        print(f"  {setting}: best validation {curve[best]:.4f} at epoch {best + 1}", flush=True)
    results.sort(key=lambda row: row[0])
    best_rmse, best_epochs, best_setting = results[0]

    def errors(epochs, setting):
        model = svdpp(fit, n_epochs=epochs, **setting)
        return (model.predict(valid.users, valid.items) - valid.values) ** 2

    # the paired standard error of each near setting's gap to the best (rating by rating, in RMSE
    # units: divided by 2 x RMSE), for the N_REFIT best settings
    e_best = errors(best_epochs, best_setting)
    for rmse, epochs, setting in results[:N_REFIT]:
        e = errors(epochs, setting)
        gap = e / (2 * np.sqrt(e.mean())) - e_best / (2 * np.sqrt(e_best.mean()))
        se = float(gap.std(ddof=1) / np.sqrt(len(gap))) if setting is not best_setting else 0.0
        print(f"  {setting}, {epochs} epochs: validation {rmse:.4f} (+{rmse - best_rmse:.4f}, paired SE {se:.4f})")
    print(f"\nbest: {best_setting}, {best_epochs} epochs, validation {best_rmse:.4f}")
    print(f"svdpp's defaults: {DEFAULTS}")


if __name__ == "__main__":
    main()
