"""The self-checks of notebook 07: not attempted, correct, and each mistake they promise to recognise."""
import numpy as np
import pytest

from mfedu import checks
from mfedu.als import fold_in

from checkutil import verdict      # tests/checkutil.py


def test_names_are_exported():
    for name in ("preference_confidence", "precision_one_user", "implicit_user_step"):
        assert getattr(checks, name) is getattr(checks.implicit, name)


# ----------------------------------------------------------------------------- 07.1

R_ROW = np.array([0.0, 3.0, 0.0, 1.0, 12.0])
ALPHA = 0.5


def test_preference_confidence():
    p, c = (R_ROW > 0).astype(float), 1 + ALPHA * R_ROW
    verdict(checks.preference_confidence(None, R_ROW, ALPHA), None, "replace None")
    verdict(checks.preference_confidence((p, c), R_ROW, ALPHA), True)
    verdict(checks.preference_confidence([p.tolist(), c.tolist()], R_ROW, ALPHA), True)
    verdict(checks.preference_confidence((c, p), R_ROW, ALPHA), False, "swapped")
    verdict(checks.preference_confidence((p, 1 + ALPHA * p), R_ROW, ALPHA), False, "COUNT")
    verdict(checks.preference_confidence((p, ALPHA * R_ROW), R_ROW, ALPHA), False, "1 +")
    verdict(checks.preference_confidence((p, 1 + R_ROW), R_ROW, ALPHA), False, "by alpha")
    verdict(checks.preference_confidence((R_ROW, c), R_ROW, ALPHA), False, "not the count")
    verdict(checks.preference_confidence((1 - p, c), R_ROW, ALPHA), False, "(r > 0)")
    verdict(checks.preference_confidence((p, c + 2), R_ROW, ALPHA), False, "1 + alpha r")
    verdict(checks.preference_confidence(p, R_ROW, ALPHA), False, "tuple")
    verdict(checks.preference_confidence((p, 1 + ALPHA * np.log1p(R_ROW)), R_ROW, ALPHA), False, "log confidence")
    fb = checks.preference_confidence((p, c + 2 * p), R_ROW, ALPHA)   # wrong only where r > 0
    verdict(fb, False, "for r = 3 that is 2.5")
    verdict(checks.preference_confidence((p[:3], c), R_ROW, ALPHA), False, "shape (5,)")
    verdict(checks.preference_confidence((p, c * np.nan), R_ROW, ALPHA), False, "NaN")


# ----------------------------------------------------------------------------- 07.2

# 12 items; the user played 0, 1 and 2 (train, highest scores); test items 3, 5, 9, 11.
SCORES = np.array([9.0, 8.5, 8.0, 7.0, 1.0, 6.0, 2.0, 3.0, 0.5, 5.5, 0.2, 0.1])
TRAIN_ITEMS, TEST_ITEMS, K = [0, 1, 2], [3, 5, 9, 11], 4


def test_precision_one_user():
    # candidates by score: 3, 5, 9, 7 | 6, 4, 8, 10, 11 -> top 4 holds 3 test items
    verdict(checks.precision_one_user(None, SCORES, TRAIN_ITEMS, TEST_ITEMS, K), None)
    verdict(checks.precision_one_user(3 / 4, SCORES, TRAIN_ITEMS, TEST_ITEMS, K), True, "3/4")
    # without excluding training items the top 4 is 0, 1, 2, 3: one hit
    verdict(checks.precision_one_user(1 / 4, SCORES, TRAIN_ITEMS, TEST_ITEMS, K), False, "training items")
    verdict(checks.precision_one_user(3, SCORES, TRAIN_ITEMS, TEST_ITEMS, K), False, "number of hits")
    verdict(checks.precision_one_user(0.9, SCORES, TRAIN_ITEMS, TEST_ITEMS, K), False, "-inf")
    verdict(checks.precision_one_user([0.5, 0.5], SCORES, TRAIN_ITEMS, TEST_ITEMS, K), False, "shape ()")


def test_precision_recall_mix_up():
    # k = 6: candidates 3, 5, 9, 7, 6, 4 -> 3 hits; precision 3/6, recall 3/4
    verdict(checks.precision_one_user(3 / 6, SCORES, TRAIN_ITEMS, TEST_ITEMS, 6), True)
    verdict(checks.precision_one_user(3 / 4, SCORES, TRAIN_ITEMS, TEST_ITEMS, 6), False, "recall")


# ----------------------------------------------------------------------------- 07.3

@pytest.fixture(scope="module")
def step():
    rng = np.random.default_rng(0)
    Y = rng.normal(size=(30, 4))
    items, counts = np.array([2, 7, 11, 20]), np.array([1.0, 5.0, 2.0, 30.0])
    return Y, items, counts, 3.0, 0.4


def test_implicit_user_step(step):
    Y, items, counts, lam, alpha = step
    k, Y_u, c_u, I = Y.shape[1], Y[items], 1 + alpha * counts, np.eye(Y.shape[1])
    # the correct answer, computed the slow dense way and by the library
    C = np.ones(len(Y))
    C[items] = c_u
    p = np.zeros(len(Y))
    p[items] = 1.0
    dense = np.linalg.solve(Y.T @ (C[:, None] * Y) + lam * I, Y.T @ (C * p))
    x_lib, _ = fold_in(dict(zip(items.tolist(), counts.tolist())), Y, lam, alpha=alpha)
    assert np.allclose(dense, x_lib)
    verdict(checks.implicit_user_step(None, Y, items, counts, lam, alpha), None)
    verdict(checks.implicit_user_step(dense, Y, items, counts, lam, alpha), True, "O(k^2 n_u + k^3)")
    trick = Y.T @ Y + Y_u.T @ ((c_u - 1)[:, None] * Y_u)
    b = Y_u.T @ c_u
    solve = np.linalg.solve
    verdict(checks.implicit_user_step(solve(Y_u.T @ (c_u[:, None] * Y_u) + lam * I, b), Y, items, counts,
                                      lam, alpha), False, "ALL items")
    verdict(checks.implicit_user_step(solve(Y.T @ Y + Y_u.T @ (c_u[:, None] * Y_u) + lam * I, b), Y, items,
                                      counts, lam, alpha), False, "twice")
    verdict(checks.implicit_user_step(solve(trick, b), Y, items, counts, lam, alpha), False, "lam I")
    verdict(checks.implicit_user_step(solve(trick + lam * I, Y_u.T @ counts), Y, items, counts, lam, alpha),
            False, "not the counts")
    verdict(checks.implicit_user_step(solve(trick + lam * I, Y_u.sum(axis=0)), Y, items, counts, lam, alpha),
            False, "confidence c_ui")
    verdict(checks.implicit_user_step(solve(trick + lam * len(items) * I, b), Y, items, counts, lam, alpha),
            False, "plain lambda")
    verdict(checks.implicit_user_step(solve(trick + lam * I, Y_u.T @ (c_u - 1)), Y, items, counts, lam, alpha),
            False, "matrix only")
    ac = alpha * counts
    verdict(checks.implicit_user_step(solve(Y.T @ Y + Y_u.T @ ((ac - 1)[:, None] * Y_u) + lam * I, Y_u.T @ ac), Y, items,
                                      counts, lam, alpha), False, "1 + alpha * counts")
    verdict(checks.implicit_user_step(solve(trick - Y.T @ Y + lam * I, b), Y, items, counts, lam, alpha),
            False, "Y^T Y is missing")
    verdict(checks.implicit_user_step(dense + 1, Y, items, counts, lam, alpha), False, "term by term")
    verdict(checks.implicit_user_step(dense[:2], Y, items, counts, lam, alpha), False, "shape (4,)")
