"""Every self-check: not attempted, correct, and each mistake it promises to recognise."""
import numpy as np
import pytest

from mfedu import checks
from mfedu.checks import svd as checks_svd
from mfedu.data import Ratings, load_synthetic, toy, train_test_split
from mfedu.svdrec import impute

from checkutil import verdict      # tests/checkutil.py


@pytest.fixture(scope="module")
def ratings():
    return load_synthetic()


def test_density(ratings):
    d = len(ratings) / (943 * 1682)
    verdict(checks.density(None, ratings), None, "replace None")
    verdict(checks.density(d, ratings), True, "6.3%")
    verdict(checks.density(100 * d, ratings), False, "percentage")
    verdict(checks.density(1 - d, ratings), False, "MISSING")
    verdict(checks.density(0.5, ratings), False, "divide")
    verdict(checks.density("x", ratings), False, "number")


def test_most_rated(ratings):
    best = int(np.argmax(ratings.item_counts()))
    verdict(checks.most_rated(None, ratings), None)
    verdict(checks.most_rated(best, ratings), True, f"item {best}")
    verdict(checks.most_rated(int(np.argmax(ratings.user_counts())), ratings), False, "USER")
    verdict(checks.most_rated(1.5, ratings), False, "an int")
    verdict(checks.most_rated(True, ratings), False, "an int")         # bool is an int in Python


@pytest.fixture(scope="module")
def B():
    return np.random.default_rng(0).normal(size=(5, 3))


def test_singular_values(B):
    s = np.linalg.svd(B, compute_uv=False)
    verdict(checks.singular_values(None, B), None)
    verdict(checks.singular_values(s, B), True)
    verdict(checks.singular_values(s ** 2, B), False, "square roots")
    verdict(checks.singular_values(s[::-1], B), False, "wrong order")
    verdict(checks.singular_values(np.append(s, 0.0), B), False, "min(m, n) = 3", "shape (4,)")
    verdict(checks.singular_values(s[:, None], B), False, "shape (3, 1)")
    verdict(checks.singular_values(np.linalg.eigh(B.T @ B), B), False, "unpack")
    verdict(checks.singular_values(np.linalg.eigh(B.T @ B)[1], B), False, "eigenvector matrix")
    verdict(checks.singular_values(np.ones(5), B), False, "smaller matrix")
    verdict(checks.singular_values((s ** 2)[::-1], B), False, "two things", "square roots", "reverse")
    verdict(checks.singular_values(np.append(s[:2], np.nan), B), False, "NaN", "clip")
    verdict(checks.singular_values(s + 1, B), False, "eigh")


def test_left_vectors(B):
    U, s, Vt = np.linalg.svd(B, full_matrices=False)
    verdict(checks.left_vectors(U, B, s, Vt), True)
    flipped = U.copy()
    flipped[:, 1] *= -1
    verdict(checks.left_vectors(flipped, B, s, Vt), False, "u_2 (Python column 1): wrong sign")
    flipped[:, 2] *= -1
    verdict(checks.left_vectors(flipped, B, s, Vt), False, "u_2 (Python column 1), u_3 (Python column 2): wrong sign")
    verdict(checks.left_vectors(B @ Vt.T, B, s, Vt), False, "divide each column")
    verdict(checks.left_vectors(B @ Vt.T * s, B, s, Vt), False, "exactly once")
    verdict(checks.left_vectors(B @ Vt.T / s ** 2, B, s, Vt), False, "exactly once")
    verdict(checks.left_vectors(B @ Vt / s, B, s, Vt), False, "ROWS of Vt")
    verdict(checks.left_vectors(U[:, :2], B, s, Vt), False, "shape (5, 3)")
    verdict(checks.left_vectors(U + 0.1, B, s, Vt), False, "does not satisfy")


def test_eckart_young():
    s = np.array([5.0, 3.0, 2.0, 1.0])
    want = np.sqrt(5.0)
    verdict(checks.eckart_young(want, s, 2), True)
    verdict(checks.eckart_young(5.0, s, 2), False, "SQUARED")
    verdict(checks.eckart_young(np.sqrt(34.0), s, 2), False, "KEPT")
    verdict(checks.eckart_young(3.0, s, 2), False, "square each")
    verdict(checks.eckart_young(7.0, s, 2), False, "s[2:]")
    verdict(checks.eckart_young(want / np.sqrt(39.0), s, 2), False, "RELATIVE")
    verdict(checks.eckart_young(1.0, s, 2), False, "off by one", "s[3]")
    verdict(checks.eckart_young(np.sqrt(14.0), s, 2), False, "off by one", "s[1]")
    verdict(checks.eckart_young(np.nan, s, 2), False, "NaN")


def test_user_mean_impute():
    t = toy()
    R = t.to_dense()
    F = impute(t, "user")
    verdict(checks.user_mean_impute(None, t), None)
    verdict(checks.user_mean_impute(F, t), True)
    wrong_denominator = np.where(np.isnan(R), (np.nansum(R, axis=1) / 6)[:, None], R)
    verdict(checks.user_mean_impute(wrong_denominator, t), False, "n_items")
    verdict(checks.user_mean_impute(impute(t, "item"), t), False, "ITEM means")
    changed = F.copy()
    changed[0, 0] = 1.0                               # Ana rated Alien 5
    verdict(checks.user_mean_impute(changed, t), False, "OBSERVED")
    off = F.copy()
    off[1, 1] += 1.0                                  # Ben did not rate Blade Runner
    verdict(checks.user_mean_impute(off, t), False, "user 1's missing cells should hold 3.000")
    verdict(checks.user_mean_impute(R, t), False, "NaN", "np.nanmean")


def test_user_mean_impute_recognises_a_leak():
    t = toy()
    train, test = train_test_split(t, test_fraction=0.25, seed=1, by_user=True)
    R = train.to_dense()
    full_means = np.bincount(t.users, weights=t.values) / t.user_counts()
    leaked = np.where(np.isnan(R), full_means[:, None], R)    # means over train AND test ratings
    verdict(checks.user_mean_impute(leaked, train, full=t), False, "leak", "toy_train")
    verdict(checks.user_mean_impute(impute(train, "user"), train, full=t), True)
    verdict(checks.user_mean_impute(impute(t, "user"), train, full=t), False, "full table")


def test_damped_item_means(ratings):
    beta = 5.0
    mu = ratings.values.mean()
    n = ratings.item_counts()
    sums = np.bincount(ratings.items, weights=ratings.values, minlength=ratings.n_items)
    want = (sums + beta * mu) / (n + beta)
    verdict(checks.damped_item_means(None, ratings, beta), None)
    verdict(checks.damped_item_means(want, ratings, beta), True, "1/(1 + 5)")
    verdict(checks.damped_item_means(want - mu, ratings, beta), False, "offsets")
    plain = np.where(n > 0, sums / np.maximum(n, 1), mu)
    verdict(checks.damped_item_means(plain, ratings, beta), False, "plain item means")
    verdict(checks.damped_item_means((sums + beta * mu) / np.maximum(n, 1), ratings, beta), False,
            "denominator")
    verdict(checks.damped_item_means(np.zeros(ratings.n_items), ratings, beta), False, "exactly mu")
    mean_of_means = plain[n > 0].mean()                 # the wrong mu
    verdict(checks.damped_item_means((sums + beta * mean_of_means) / (n + beta), ratings, beta),
            False, "exactly mu", "train.values.mean()")
    verdict(checks.damped_item_means(sums / (n + beta), ratings, beta), False, "beta * mu")
    verdict(checks.damped_item_means(np.where(n > 0, want + 0.1, mu), ratings, beta), False,
            "(n_i + beta)")
    with_nan = want.copy()
    with_nan[n == 0] = np.nan                           # 0/0 for the unrated items
    verdict(checks.damped_item_means(with_nan, ratings, beta), False, "NaN", "bincount")


def test_top_unseen():
    t = toy()
    scores = np.array([5.0, 1.0, 4.0, 3.0, 2.0, 0.5])
    seen = set(t.items[t.users == 0])                   # Ana rated Alien, Blade Runner, Matrix, Amelie
    assert seen == {0, 1, 2, 4}
    verdict(checks.top_unseen(None, scores, t, 0, 2), None)
    verdict(checks.top_unseen(np.array([3, 5]), scores, t, 0, 2), True, "4 items user 0 already rated")
    verdict(checks.top_unseen(np.array([5, 3]), scores, t, 0, 2), False, "best first")
    verdict(checks.top_unseen(scores[[3, 5]], scores, t, 0, 2), False, "ids")
    verdict(checks.top_unseen(np.array([3, 5, 0]), scores, t, 0, 2), False, "shape (2,)")
    # user 1 rated items 0, 2, 3, 5: unseen are 1 (score 1.0) and 4 (2.0); the lowest-first answer
    verdict(checks.top_unseen(np.array([1]), scores, t, 1, 1), False, "LOWEST")


# one user, ten items, three of them rated; distinct scores so that each mistake has one answer
ONE = Ratings(np.zeros(3, dtype=int), [1, 4, 7], [4.0, 2.0, 5.0], 1, 10)
SCORES = np.array([0.3, 0.9, 0.1, 0.7, 0.8, 0.2, 0.5, 0.95, 0.4, 0.6])
UNSEEN = np.array([0, 2, 3, 5, 6, 8, 9])


def test_top_unseen_recognises_each_mistake():
    masked = np.where(np.isin(np.arange(10), [1, 4, 7]), -np.inf, SCORES)
    right = np.argsort(-masked)[:3]
    assert right.tolist() == [3, 9, 6]
    verdict(checks.top_unseen(right, SCORES, ONE, 0, 3), True)
    verdict(checks.top_unseen(right.tolist(), SCORES, ONE, 0, 3), True)          # a list is fine
    # the sort direction, three ways
    verdict(checks.top_unseen(np.argsort(masked)[:3], SCORES, ONE, 0, 3), False, "ascending", "-inf")
    verdict(checks.top_unseen(np.argsort(SCORES)[:3], SCORES, ONE, 0, 3), False, "LOWEST")
    lowest_unseen = UNSEEN[np.argsort(SCORES[UNSEEN])][:3]
    fb = checks.top_unseen(lowest_unseen, SCORES, ONE, 0, 3)
    verdict(fb, False, "LOWEST")
    assert "rated items" not in fb.message                   # none of them is rated: no such advice
    verdict(checks.top_unseen(np.argsort(masked)[-3:], SCORES, ONE, 0, 3), False, "best first")
    # rated items left in: the diagnosis is the rated items, not the sort
    fb = checks.top_unseen(np.argsort(-SCORES)[:3], SCORES, ONE, 0, 3)
    verdict(fb, False, "descending order is right", "3 of these", "already rated")
    assert "ascending" not in fb.message                     # the direction was right
    # positions in the shortened array, not ids
    positions = np.argsort(-np.delete(SCORES, [1, 4, 7]))[:3]
    verdict(checks.top_unseen(positions, SCORES, ONE, 0, 3), False, "positions", "unseen[positions]")
    # off by one and the wrong number of ids
    verdict(checks.top_unseen(right[:2], SCORES, ONE, 0, 3), False, "off by one", "n = 3")
    verdict(checks.top_unseen(np.argsort(-masked)[:4], SCORES, ONE, 0, 3), False, "off by one", "n = 3")
    verdict(checks.top_unseen(np.argsort(-masked)[1:4], SCORES, ONE, 0, 3), False, "skipped the best")
    verdict(checks.top_unseen(np.argsort(-masked)[:6], SCORES, ONE, 0, 3), False, "exactly n = 3")
    verdict(checks.top_unseen(np.array([[3, 9, 6]]), SCORES, ONE, 0, 3), False, "flat list")
    # fall-backs: ids outside the catalogue, a repeated id, unseen items that are not the best
    verdict(checks.top_unseen(np.array([3, 9, 10]), SCORES, ONE, 0, 3), False, "from 0 to 9")
    verdict(checks.top_unseen(np.array([3, 3, 9]), SCORES, ONE, 0, 3), False, "twice")
    verdict(checks.top_unseen(np.array([3, 9, 0]), SCORES, ONE, 0, 3), False, "not the 3 with the highest")
    verdict(checks.top_unseen(np.array([3, 9, 1]), SCORES, ONE, 0, 3), False, "1 of your items", "already rated")
    # ties may be broken either way
    tied = SCORES.copy()
    tied[6] = tied[8] = 0.5
    verdict(checks.top_unseen(np.array([3, 9, 8]), tied, ONE, 0, 3), True)


def test_shrink_factor():
    rng = np.random.default_rng(0)
    v = rng.normal(size=10) * np.linspace(0.2, 2.0, 10)     # not spread evenly
    v /= np.linalg.norm(v)
    rated = [1, 4, 7]
    want = float(np.sum(v[rated] ** 2))
    verdict(checks_svd.shrink_factor(None, v, ONE, 0), None, "replace None")
    verdict(checks_svd.shrink_factor(want, v, ONE, 0), True, f"{want:.4f}", "times too small")
    verdict(checks_svd.shrink_factor(np.float32(want), v, ONE, 0), True)
    verdict(checks_svd.shrink_factor(1.0, v, ONE, 0), False, "ALL n items")
    verdict(checks_svd.shrink_factor(1 / want, v, ONE, 0), False, "inverse")
    verdict(checks_svd.shrink_factor(1 - want, v, ONE, 0), False, "did NOT rate")
    verdict(checks_svd.shrink_factor(np.sqrt(want), v, ONE, 0), False, "no square root")
    verdict(checks_svd.shrink_factor(np.sum(v[rated]), v, ONE, 0), False, "square each v_i")
    verdict(checks_svd.shrink_factor(np.sum(np.abs(v[rated])), v, ONE, 0), False, "square each v_i")
    verdict(checks_svd.shrink_factor(3 / 10, v, ONE, 0), False, "spread evenly")
    verdict(checks_svd.shrink_factor(want ** 2, v, ONE, 0), False, "squared")
    verdict(checks_svd.shrink_factor(0.123456, v, ONE, 0), False, "write both fits")
    verdict(checks_svd.shrink_factor("0.2", v, ONE, 0), False, "number")
    verdict(checks_svd.shrink_factor([want, want], v, ONE, 0), False, "shape ()")
    verdict(checks_svd.shrink_factor(np.nan, v, ONE, 0), False, "NaN")
    verdict(checks_svd.shrink_factor(1e300, v, ONE, 0), False)
    # v that lives on the rated items only: the fit is not shrunk at all, and 1 is right
    on_rated = np.zeros(10)
    on_rated[rated] = 1 / np.sqrt(3)
    verdict(checks_svd.shrink_factor(1.0, on_rated, ONE, 0), True)
    # v that misses the rated items: x_u = 0, and 0 is right (no division by zero in the message)
    off_rated = np.zeros(10)
    off_rated[UNSEEN] = 1 / np.sqrt(7)
    verdict(checks_svd.shrink_factor(0.0, off_rated, ONE, 0), True)


def test_shrink_factor_problem_arguments():
    v = np.full(10, 1 / np.sqrt(10))
    with pytest.raises(ValueError, match="^v must be a unit vector"):
        checks_svd.shrink_factor(0.3, 2 * v, ONE, 0)
    with pytest.raises(ValueError, match="^v must have length train.n_items = 10"):
        checks_svd.shrink_factor(0.3, v[:9], ONE, 0)
    with pytest.raises(ValueError, match="^user must be an int in"):
        checks_svd.shrink_factor(0.3, v, ONE, 1)
    with pytest.raises(TypeError, match="^train"):
        checks_svd.shrink_factor(0.3, v, ONE.to_dense(), 0)
    with pytest.raises(ValueError, match="^user must have at least one training rating"):
        checks_svd.shrink_factor(0.3, v[:2] / np.linalg.norm(v[:2]),
                                 Ratings([0], [0], [3.0], 2, 2), 1)


def test_the_svd_module_lists_its_checks():
    assert "shrink_factor" in checks_svd.__all__ and "top_unseen" in checks_svd.__all__
    assert all(callable(getattr(checks_svd, name)) for name in checks_svd.__all__)


def test_notebook_02_worked_answers(ratings):
    # exercises 2 and 4 of notebook 02 as the notebook poses them, with their worked answers
    from mfedu.svdrec import svd_recommender
    train, _ = train_test_split(ratings, test_fraction=0.2, seed=0)
    model_user = svd_recommender(train, rank=4, impute="user")
    scores = model_user.scores(0)
    seen = train.items[train.users == 0]
    masked = scores.copy()
    masked[seen] = -np.inf
    verdict(checks.top_unseen(np.argsort(-masked)[:5], scores, train, user=0, n=5), True)
    verdict(checks.top_unseen(np.argsort(-scores)[:5], scores, train, user=0, n=5), False, "already rated")
    v = model_user.Y[:, 0]
    want = np.sum(v[seen] ** 2)
    verdict(checks_svd.shrink_factor(want, v, train, user=0), True)
    assert want > 3 * len(seen) / train.n_items         # not the naive n_u / n: v favours rated items
    verdict(checks_svd.shrink_factor(len(seen) / train.n_items, v, train, user=0), False, "spread evenly")


def test_calibration_slope():
    rng = np.random.default_rng(0)
    t = rng.normal(size=500)
    c = 0.3 * t + 0.2 * rng.normal(size=500) + 0.1          # too timid, not centred, corr well below 1
    n = len(c)
    cov = np.mean((c - c.mean()) * (t - t.mean()))
    kappa, corr = cov / c.var(), cov / (c.std() * t.std())
    check = checks_svd.calibration_slope
    verdict(check(None, c, t), None, "replace None")
    verdict(check(kappa, c, t), True, f"{kappa:.3f}", "too timid")
    verdict(check(np.corrcoef(c, t)[0, 1] * t.std() / c.std(), c, t), True)
    verdict(check(np.cov(c, t)[0, 1] / np.var(c), c, t), True, "N - 1")      # ddof mixed: accepted
    verdict(check(np.float32(kappa), c, t), True)
    verdict(check(cov / t.var(), c, t), False, "PREDICTION regressed on the truth")
    verdict(check(1 / kappa, c, t), False, "upside down")
    verdict(check(c.std() / t.std(), c, t), False, "spread ratio")
    verdict(check(t.std() / c.std(), c, t), False, "leaves out the correlation")
    verdict(check(corr, c, t), False, "correlation alone")
    verdict(check(np.sum(c * t) / np.sum(c ** 2), c, t), False, "subtract the means")
    verdict(check(np.sum(c * t) / np.sum(t ** 2), c, t), False, "subtract the means")
    verdict(check(0.123, c, t), False, "cov(delta, delta*) / var(delta)")
    verdict(check("1.2", c, t), False, "number")
    verdict(check([kappa, kappa], c, t), False, "shape ()")
    verdict(check(np.nan, c, t), False, "NaN")
    verdict(check(1e300, c, t), False)
    verdict(check(True, c, t), False, "bool")
    verdict(check(kappa * (n - 1) / n, c, t), True, "N - 1")
    # too bold, and calibrated: the verdict in the message follows kappa
    verdict(check(0.5, 2 * t, t), True, "too bold")
    info = t + rng.normal(size=500)                          # a noisy view of t
    c_cal = info / 2                                         # E[t | info] for unit variances
    verdict(check(np.cov(c_cal, t)[0, 1] / np.var(c_cal, ddof=1), c_cal, t), True, "about calibrated")


def test_calibration_slope_problem_arguments():
    c, t = np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0])
    with pytest.raises(ValueError, match="^truth must have length len\\(prediction\\) = 3"):
        checks_svd.calibration_slope(1.0, c, t[:2])
    with pytest.raises(ValueError, match="^prediction must hold at least 2"):
        checks_svd.calibration_slope(1.0, c[:1], t[:1])
    with pytest.raises(ValueError, match="^prediction must vary"):
        checks_svd.calibration_slope(1.0, np.ones(3), t)
    with pytest.raises(ValueError, match="^truth must vary"):
        checks_svd.calibration_slope(1.0, c, np.ones(3))
    with pytest.raises(ValueError, match="^truth must contain only finite values"):
        checks_svd.calibration_slope(1.0, c, np.array([1.0, np.nan, 2.0]))
    with pytest.raises(TypeError, match="^prediction must be a 1-D array"):
        checks_svd.calibration_slope(1.0, "abc", t)
    assert "calibration_slope" in checks_svd.__all__


def test_appendix_A3_worked_answer():
    # A3's exercise as the appendix poses it: kappa of the refitted corrections against the truth
    from mfedu.svdrec import svd_recommender
    from mfedu.synthetic import make_synthetic
    data = make_synthetic(seed=0)
    train, test = train_test_split(data.explicit, test_fraction=0.2, seed=0)
    model = svd_recommender(train, rank=4, impute="user")
    X_omega = np.array([np.linalg.lstsq(model.Y[train.items[train.users == u]],
                                        train.values[train.users == u] - model.mu - model.bu[u], rcond=None)[0]
                        for u in range(train.n_users)])
    c_refit = np.sum(X_omega[test.users] * model.Y[test.items], axis=1)
    true_c = data.truth.expected_rating(test.users, test.items) - (model.mu + model.bu[test.users])
    kappa = np.corrcoef(c_refit, true_c)[0, 1] * true_c.std() / c_refit.std()       # the worked answer
    verdict(checks_svd.calibration_slope(kappa, c_refit, true_c), True, "too bold")
    assert 0.65 < kappa < 0.78
    reverse = np.cov(c_refit, true_c)[0, 1] / np.var(true_c, ddof=1)
    verdict(checks_svd.calibration_slope(reverse, c_refit, true_c), False, "PREDICTION regressed")
