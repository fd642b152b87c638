"""Every self-check: not attempted, correct, and each mistake it promises to recognise."""
import numpy as np
import pytest

from mfedu import checks
from mfedu.data import load_synthetic, toy, train_test_split
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
    verdict(checks.top_unseen(np.array([0, 2]), scores, t, 0, 2), False, "2 of your items", "-inf")
    verdict(checks.top_unseen(scores[[3, 5]], scores, t, 0, 2), False, "ids")
    masked = scores.copy()
    masked[[0, 1, 2, 4]] = -np.inf
    verdict(checks.top_unseen(np.argsort(masked)[:2], scores, t, 0, 2), False, "np.argsort(-scores)")
    verdict(checks.top_unseen(np.array([3, 5, 0]), scores, t, 0, 2), False, "shape (2,)")
    # user 1 rated items 0, 2, 3, 5: unseen are 1 (score 1.0) and 4 (2.0); the lowest-first answer
    verdict(checks.top_unseen(np.array([1]), scores, t, 1, 1), False, "LOWEST")
