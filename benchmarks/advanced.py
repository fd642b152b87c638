"""SVD++ and timeSVD++ benchmark (notebook 09): mfedu.advanced against Surprise's SVDpp, on one split.

    python benchmarks/advanced.py              # about a minute on 1 core with Surprise installed
    python benchmarks/advanced.py --repeats 3  # more timing repeats

Data: the timed synthetic set (``mfedu.synthetic.make_timed``: its users chose what to rate with
a strong pull of taste, so which items they rated carries information), a fixed random 80/20
split (seed 0). On that split, in one run: test RMSE and fit time of
  * mfedu's biased ALS and biased SGD with their defaults (no implicit term),
  * mfedu's svdpp with its defaults, and with z_steps = 0 (the same epochs with Z kept at 0:
    what the implicit term adds, one change at a time),
  * Surprise's SVDpp(n_factors=20, n_epochs=20) and SVD() with their defaults (optional: without
    Surprise, its rows say "skipped"),
  * mfedu's timesvdpp with its defaults, and with each group of time terms alone (what each adds),
beside the oracle (the best any method can expect). Every timing runs on ONE thread, and the
fit times of svdpp and Surprise's SVDpp are taken interleaved in the same run, so a busy machine
slows both alike. Numbers, not pass/fail: each target is printed beside its measurement.
Noise: the test set has 20,000 ratings; the paired standard error of an RMSE difference between
two models is printed for the comparisons the targets name.
"""
from __future__ import annotations

import one_thread  # noqa: F401  (first: numpy's BLAS on one thread)

import argparse
import time

import numpy as np

from mfedu.advanced import TIME_TERMS, svdpp, timesvdpp
from mfedu.als import als_explicit
from mfedu.data import train_test_split
from mfedu.sgd import sgd
from mfedu.synthetic import make_timed

try:
    import surprise
    from surprise.dataset import Dataset
except ImportError:                               # optional, as `implicit` is for benchmarks/als.py
    surprise = None


def surprise_fit(train, algo):
    """Fit a Surprise algorithm on ``train`` (raw ids = mfedu's ids); returns a function that
    predicts the ratings of a Ratings."""
    data = Dataset(surprise.Reader(rating_scale=(1, 5)))
    trainset = data.construct_trainset([(int(u), int(i), float(r), None)
                                        for u, i, r in zip(train.users, train.items, train.values)])
    algo.fit(trainset)
    return lambda ratings: np.array([algo.predict(int(u), int(i)).est for u, i in zip(ratings.users, ratings.items)])


def rmse(predicted, test):
    return float(np.sqrt(np.mean((predicted - test.values) ** 2)))


def paired_se(a, b, test):
    """Standard error of RMSE(a) - RMSE(b) on the same test ratings (delta method on the paired
    squared errors): differences below about 2 SE are noise."""
    ea, eb = (a - test.values) ** 2, (b - test.values) ** 2
    ra, rb = np.sqrt(ea.mean()), np.sqrt(eb.mean())
    d = ea / (2 * ra) - eb / (2 * rb)
    return float(d.std(ddof=1) / np.sqrt(len(d)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="timing repeats of the two SVD++ fits")
    args = parser.parse_args()

    timed = make_timed(seed=0)
    train, test = train_test_split(timed.ratings, 0.2, seed=0)
    print(f"== SVD++ on the timed synthetic set: {len(train):,} training and {len(test):,} test "
          f"ratings (random 80/20 split, seed 0), 1 thread")
    print(f"oracle (knows the truth and the times): {timed.truth.oracle_rmse(test):.4f}")

    rows, predictions = [], {}

    def run(name, fit):
        start = time.perf_counter()
        predict = fit()
        seconds = time.perf_counter() - start
        predictions[name] = p = predict(test)
        rows.append((name, rmse(p, test), seconds))
        return seconds

    def mfedu_fit(f, **kw):
        return lambda: f(train, **kw).predict_ratings

    run("mfedu als_explicit(biased=True), defaults", mfedu_fit(als_explicit, biased=True))
    run("mfedu sgd, defaults", mfedu_fit(sgd))
    run("mfedu svdpp, z_steps=0 (Z stays 0)", mfedu_fit(svdpp, z_steps=0))
    for term in TIME_TERMS:
        run(f"mfedu timesvdpp, time_terms=('{term}',)", mfedu_fit(timesvdpp, time_terms=(term,)))
    run("mfedu timesvdpp, defaults", mfedu_fit(timesvdpp))
    times = {"svdpp": [], "surprise": []}
    for _ in range(max(args.repeats, 1)):
        times["svdpp"].append(run("mfedu svdpp, defaults", mfedu_fit(svdpp)))
        if surprise is not None:
            times["surprise"].append(run("Surprise SVDpp(n_factors=20, n_epochs=20)", lambda: surprise_fit(
                train, surprise.SVDpp(n_factors=20, n_epochs=20, random_state=0))))
    if surprise is not None:
        run("Surprise SVD(), defaults", lambda: surprise_fit(train, surprise.SVD(random_state=0)))

    seen = set()
    print(f"{'model':48s} {'test RMSE':>9s} {'fit s':>7s}")
    for name, error, seconds in rows:
        if name in seen:
            continue
        seen.add(name)
        fits = [s for n, _, s in rows if n == name]
        print(f"{name:48s} {error:9.4f} {np.median(fits):7.2f}")

    mine = predictions["mfedu svdpp, defaults"]
    als_p = predictions["mfedu als_explicit(biased=True), defaults"]
    print("\ntargets (svdpp defaults):")
    gap = rmse(als_p, test) - rmse(mine, test)
    print(f"  RMSE below mfedu biased ALS defaults: {gap:+.4f} (paired SE {paired_se(als_p, mine, test):.4f}); "
          f"target >= 0.003")
    gap0 = rmse(predictions["mfedu svdpp, z_steps=0 (Z stays 0)"], test) - rmse(mine, test)
    print(f"  what the implicit term adds (z_steps=0 minus defaults): {gap0:+.4f} (paired SE "
          f"{paired_se(predictions['mfedu svdpp, z_steps=0 (Z stays 0)'], mine, test):.4f})")
    if surprise is None:
        print("  Surprise is not installed (pip install -r benchmarks/requirements.txt): comparison skipped")
        return
    theirs = predictions["Surprise SVDpp(n_factors=20, n_epochs=20)"]
    print(f"  RMSE below Surprise SVDpp: {rmse(theirs, test) - rmse(mine, test):+.4f} (paired SE "
          f"{paired_se(theirs, mine, test):.4f}); target >= 0.003")
    ratio = np.array(times["svdpp"]) / np.array(times["surprise"])
    print(f"  fit time / Surprise SVDpp's: {np.median(ratio):.3f} (range {ratio.min():.3f}-{ratio.max():.3f}, "
          f"{len(ratio)} interleaved pairs); target <= 0.2")
    timed_p = predictions["mfedu timesvdpp, defaults"]
    print(f"  timesvdpp below svdpp (random split): {rmse(mine, test) - rmse(timed_p, test):+.4f} (paired SE "
          f"{paired_se(mine, timed_p, test):.4f}); target: better on the planted set")
    time_split(timed)


def time_split(timed):
    """The same models scored on each user's LATEST 20 % of ratings (order="time", by_user=True):
    the future of what they were trained on. A day offset b_{u,t} helps only where a test rating
    falls on a day the user also rated in training."""
    train, test = train_test_split(timed.ratings, 0.2, seed=0, by_user=True, order="time")
    same_day = np.isin((test.users.astype(np.int64) << 32) + test.times // 86_400,
                       (train.users.astype(np.int64) << 32) + train.times // 86_400)
    print(f"\n== each user's latest 20 % as test ({len(test):,} ratings; {same_day.mean():.0%} on a day the "
          f"user also rated in training); oracle {timed.truth.oracle_rmse(test):.4f}")
    for name, f in (("mfedu als_explicit(biased=True), defaults", lambda: als_explicit(train, biased=True).predict_ratings),
                    ("mfedu svdpp, defaults", lambda: svdpp(train).predict_ratings),
                    ("mfedu timesvdpp, defaults", lambda: timesvdpp(train).predict_ratings)):
        print(f"{name:48s} {rmse(f()(test), test):9.4f}")


if __name__ == "__main__":
    main()
