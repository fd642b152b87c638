"""The round-2 changes to the self-checks of notebook 02 and appendix A3 (mfedu/checks/svd.py).

- top_unseen: the success message now answers the exercise's question, why the rated items
  must be left out;
- shrink_factor: the success message compares the answer with n_u / n, the factor for a v spread
  evenly, as exercise 02.4 (c) asks;
- calibration_slope: every message uses the notebooks' symbols delta, delta* (not c, c*), and the
  fallback names A3's variables (delta_refit, true_delta);
- top_unseen (round 3): rated items masked at -inf and sorted ascending get the sort-direction
  diagnosis whatever order the sort kind gives their tie (default np.argsort, not only stable).
Each diagnosis these checks had before is still tested in tests/test_checks.py.
"""
import numpy as np
import pytest

from mfedu import checks
from mfedu.data import Ratings, toy, train_test_split

from checkutil import verdict      # tests/checkutil.py

# one user, ten items, three of them rated (as in tests/test_checks.py)
ONE = Ratings(np.zeros(3, dtype=int), [1, 4, 7], [4.0, 2.0, 5.0], 1, 10)


def test_top_unseen_says_why_rated_items_are_left_out():
    t = toy()
    scores = np.array([5.0, 1.0, 4.0, 3.0, 2.0, 0.5])        # Ana rated items 0, 1, 2, 4
    verdict(checks.top_unseen(None, scores, t, 0, 2), None, "replace None")
    verdict(checks.top_unseen(np.array([3, 5]), scores, t, 0, 2), True,
            "4 items user 0 already rated", "knows them already", "fitted to")
    # the mistakes keep their diagnoses
    verdict(checks.top_unseen(np.array([5, 3]), scores, t, 0, 2), False, "best first")
    verdict(checks.top_unseen(np.array([0, 2]), scores, t, 0, 2), False, "already rated")
    verdict(checks.top_unseen("junk", scores, t, 0, 2), False)


SCORES = np.array([0.3, 0.9, 0.1, 0.7, 0.8, 0.2, 0.5, 0.95, 0.4, 0.6])   # ONE's user rated 1, 4, 7


def test_top_unseen_masked_ascending_sort_gets_the_direction_diagnosis():
    # rated items masked at -inf, then np.argsort ascending: the rated items come first. Their tie
    # is broken differently by the default sort (quicksort/introsort) and kind="stable"; every tie
    # order, and either sort kind, gets the sort-direction diagnosis, not "leave them out"
    masked = np.where(np.isin(np.arange(10), [1, 4, 7]), -np.inf, SCORES)
    answers = [np.argsort(masked)[:3], np.argsort(masked, kind="stable")[:3],
               np.array([7, 4, 1]), np.array([4, 1, 7])]
    for a in answers:
        fb = checks.top_unseen(a, SCORES, ONE, 0, 3)
        verdict(fb, False, "ascending", "-inf", "did leave them out", "np.argsort(-masked)")
        assert "leave them out of the ranking" not in fb.message
    # n larger than the number of rated items: the rated ones, then the worst unseen
    for a in (np.argsort(masked)[:5], np.array([4, 7, 1, 5, 2]), np.array([2, 1, 5, 7, 4])):
        verdict(checks.top_unseen(a, SCORES, ONE, 0, 5), False, "ascending", "-inf")
    # rated items that are NOT what an ascending sort gives still get "already rated"
    verdict(checks.top_unseen(np.array([3, 9, 1]), SCORES, ONE, 0, 3), False, "1 of your items", "already rated")
    verdict(checks.top_unseen(np.array([1, 4, 3]), SCORES, ONE, 0, 3), False, "already rated")


def test_top_unseen_masked_ascending_on_notebook_02(notebook_02_model):
    # the student's case: user 0 of the notebook, np.argsort(masked)[:5] with the default kind
    train, _, model_user = notebook_02_model
    scores = model_user.scores(0)
    masked = scores.copy()
    masked[train.items[train.users == 0]] = -np.inf
    default, stable = np.argsort(masked)[:5], np.argsort(masked, kind="stable")[:5]
    for a in (default, stable, default[::-1]):
        fb = checks.top_unseen(a, scores, train, user=0, n=5)
        verdict(fb, False, "ascending", "-inf", "np.argsort(-masked)")
        assert "leave them out of the ranking" not in fb.message


def test_shrink_factor_compares_with_n_u_over_n():
    rng = np.random.default_rng(0)
    v = rng.normal(size=10) * np.linspace(0.2, 2.0, 10)     # not spread evenly
    v /= np.linalg.norm(v)
    want = float(np.sum(v[[1, 4, 7]] ** 2))
    fb = checks.shrink_factor(want, v, ONE, 0)
    verdict(fb, True, f"{want:.4f}", "times too small", "n_u / n = 3/10 = 0.3000", "spread evenly")
    # v spread evenly over the items: the answer equals n_u / n, and the message says they are close
    even = np.full(10, 1 / np.sqrt(10))
    verdict(checks.shrink_factor(0.3, even, ONE, 0), True, "n_u / n = 3/10", "close")
    # v that favours the rated items: the answer is far above n_u / n, and the message says why
    on_rated = np.full(10, 0.05)
    on_rated[[1, 4, 7]] = 1.0
    on_rated /= np.linalg.norm(on_rated)
    big = float(np.sum(on_rated[[1, 4, 7]] ** 2))
    verdict(checks.shrink_factor(big, on_rated, ONE, 0), True, f"{big / 0.3:.1f} times that", "much-rated")
    # the diagnoses are unchanged; not attempted and junk
    verdict(checks.shrink_factor(None, v, ONE, 0), None, "replace None")
    verdict(checks.shrink_factor(0.3, v, ONE, 0), False, "spread evenly")
    verdict(checks.shrink_factor(1 / want, v, ONE, 0), False, "inverse")
    verdict(checks.shrink_factor("x", v, ONE, 0), False, "number")
    verdict(checks.shrink_factor([1.0, 2.0], v, ONE, 0), False, "shape ()")


def test_calibration_slope_fallback_names_the_appendix_variables():
    rng = np.random.default_rng(1)
    t = rng.normal(size=400)
    c = 0.5 * t + 0.3 * rng.normal(size=400)
    fb = checks.calibration_slope(0.123, c, t)
    verdict(fb, False, "cov(delta, delta*) / var(delta)", "delta_refit", "true_delta",
            "np.cov(delta_refit, true_delta)")


def test_calibration_slope_messages_use_the_notebooks_symbols():
    # notebooks 02 and A3 write delta (prediction) and delta* (truth); no message says c or c*
    rng = np.random.default_rng(2)
    t = rng.normal(size=500)
    c = 0.3 * t + 0.2 * rng.normal(size=500) + 0.1
    cov = np.mean((c - c.mean()) * (t - t.mean()))
    kappa, corr = cov / c.var(), cov / (c.std() * t.std())
    cases = [(kappa, True, "sd(delta) = corr x sd(delta*)"),
             (cov / t.var(), False, "cov(delta, delta*) / var(delta*)"),
             (1 / kappa, False, "corr(delta, delta*) * sd(delta*) / sd(delta)"),
             (c.std() / t.std(), False, "sd(delta) / sd(delta*)"),
             (t.std() / c.std(), False, "sd(delta*) / sd(delta) leaves out"),
             (corr, False, "sd(delta*) / sd(delta)"),
             (0.123, False, "cov(delta, delta*) / var(delta)")]
    for answer, ok, words in cases:
        fb = checks.calibration_slope(answer, c, t)
        verdict(fb, ok, words)
        for old in ("(c,", "(c)", "(c*)", "c*", "c_star"):
            assert old not in fb.message, (old, fb.message)
    verdict(checks.calibration_slope(np.nan, c, t), False, "var(delta)")
    verdict(checks.calibration_slope(None, c, t), None, "replace None")
    verdict(checks.calibration_slope({"a": 1}, c, t), False)
    with pytest.raises(ValueError, match="^truth must have length"):
        checks.calibration_slope(1.0, c, t[:3])


@pytest.fixture(scope="module")
def notebook_02_model():
    from mfedu.svdrec import svd_recommender
    from mfedu.synthetic import make_synthetic
    train, test = train_test_split(make_synthetic(seed=0).explicit, test_fraction=0.2, seed=0)
    return train, test, svd_recommender(train, rank=4, impute="user")


def test_notebook_02_exercises_2_and_4_as_posed(notebook_02_model):
    train, _, model_user = notebook_02_model
    scores = model_user.scores(0)
    seen = train.items[train.users == 0]
    masked = np.where(np.isin(np.arange(train.n_items), seen), -np.inf, scores)
    verdict(checks.top_unseen(np.argsort(-masked)[:5], scores, train, user=0, n=5), True, "knows them already")
    v = model_user.Y[:, 0]
    want = float(np.sum(v[np.unique(seen)] ** 2))
    n_u = len(np.unique(seen))
    verdict(checks.shrink_factor(want, v, train, user=0), True, f"n_u / n = {n_u}/{train.n_items}",
            "much-rated", "A3, section 3")
    # the same answer the derivation's way: x_u / x_u^Omega with b_ui = model_user.mu + model_user.bu[0]
    e = train.values[train.users == 0] - model_user.mu - model_user.bu[0]
    x_u, x_omega = np.sum(e * v[seen]), np.sum(e * v[seen]) / np.sum(v[seen] ** 2)
    verdict(checks.shrink_factor(x_u / x_omega, v, train, user=0), True)


def test_appendix_A3_exercise_as_posed(notebook_02_model):
    train, test, model_user = notebook_02_model
    from mfedu.synthetic import make_synthetic
    truth = make_synthetic(seed=0).truth
    X_omega = np.array([np.linalg.lstsq(model_user.Y[train.items[train.users == u]],
                                        train.values[train.users == u] - model_user.mu - model_user.bu[u],
                                        rcond=None)[0] for u in range(train.n_users)])
    b_test = model_user.mu + model_user.bu[test.users]
    delta_refit = np.sum(X_omega[test.users] * model_user.Y[test.items], axis=1)
    true_delta = truth.expected_rating(test.users, test.items) - b_test
    worked = np.corrcoef(delta_refit, true_delta)[0, 1] * true_delta.std() / delta_refit.std()
    verdict(checks.calibration_slope(worked, delta_refit, true_delta), True, "too bold")
    verdict(checks.calibration_slope(1 / worked, delta_refit, true_delta), False, "upside down")
