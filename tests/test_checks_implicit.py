"""The self-checks of notebook 07: not attempted, correct, and each mistake they promise to recognise."""
import numpy as np
import pytest

from mfedu import checks
from mfedu.als import fold_in

from checkutil import verdict      # tests/checkutil.py


def test_names_are_exported():
    for name in ("preference_confidence", "precision_one_user", "implicit_user_step", "cg_steps_to_exact",
                 "ap_ndcg_one_user", "alpha_for_rescaled_counts"):
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
    verdict(checks.preference_confidence((p, ALPHA * R_ROW), R_ROW, ALPHA), False, "implicit")
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
    Y_u, c_u, I = Y[items], 1 + alpha * counts, np.eye(Y.shape[1])
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


# ----------------------------------------------------------------------------- the newer diagnoses

def test_text_answers_are_refused_by_name():
    c = 1 + ALPHA * R_ROW
    verdict(checks.preference_confidence(("1", c), R_ROW, ALPHA), False, "quotes")
    verdict(checks.precision_one_user("0.75", SCORES, TRAIN_ITEMS, TEST_ITEMS, K), False, "'0.75'", "quotes")
    verdict(checks.precision_one_user(b"0.75", SCORES, TRAIN_ITEMS, TEST_ITEMS, K), False, "quotes")
    verdict(checks.precision_one_user(np.str_("0.75"), SCORES, TRAIN_ITEMS, TEST_ITEMS, K), False, "quotes")


def test_preference_confidence_names_a_wrong_alpha():
    p = (R_ROW > 0).astype(float)
    verdict(checks.preference_confidence((p, 1 + 0.2 * R_ROW), R_ROW, ALPHA), False, "1 + 0.2 r", "alpha = 0.5")


def test_implicit_user_step_newer_mistakes(step):
    Y, items, counts, lam, alpha = step
    Y_u, c_u, I = Y[items], 1 + alpha * counts, np.eye(Y.shape[1])
    trick = Y.T @ Y + Y_u.T @ ((c_u - 1)[:, None] * Y_u)
    solve = np.linalg.solve
    verdict(checks.implicit_user_step(solve(trick + 2 * lam * I, Y_u.T @ c_u), Y, items, counts, lam, alpha),
            False, "2 lam")
    verdict(checks.implicit_user_step(solve(Y_u.T @ Y_u + lam * I, Y_u.T @ counts), Y, items, counts, lam, alpha),
            False, "notebook 06", "counts as ratings")
    verdict(checks.implicit_user_step(solve(Y_u.T @ Y_u + lam * len(items) * I, Y_u.T @ counts), Y, items, counts,
                                      lam, alpha), False, "ALS-WR")
    for other in (0.2, 0.5, 3.7):             # a common value, and one the check must find by search
        x_other, _ = fold_in(dict(zip(items.tolist(), counts.tolist())), Y, lam, alpha=other)
        verdict(checks.implicit_user_step(x_other, Y, items, counts, lam, alpha), False, f"alpha = {other:g}",
                f"uses alpha = {alpha:g}")
    verdict(checks.implicit_user_step("0.3", Y, items, counts, lam, alpha), False, "quotes")


# ----------------------------------------------------------------------------- 07.3: CG steps

def test_cg_steps_to_exact_matches_conjugate_gradient():
    # the exercise's system: Y^T Y + lam I = s I, 3 played items -> 4 distinct eigenvalues
    Q, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(20, 16)))
    Y, played, c = 0.3 * Q, np.array([5, 12, 17]), np.array([3.0, 11.0, 41.0])
    A = Y.T @ Y + Y[played].T @ ((c - 1)[:, None] * Y[played]) + np.eye(16)
    b = Y[played].T @ c
    x_star = np.linalg.solve(A, b)

    def distances(x, n_steps):
        out, r = [np.linalg.norm(x - x_star)], b - A @ x
        d = r
        for _ in range(n_steps):
            a = (r @ r) / (d @ A @ d)
            x, r_new = x + a * d, r - a * (A @ d)
            d, r = r_new + (r_new @ r_new) / (r @ r) * d, r_new
            out.append(np.linalg.norm(x - x_star))
        return np.array(out)

    random_start = distances(np.random.default_rng(2).normal(size=16), 4)
    assert random_start[3] > 1e-3 and random_start[4] < 1e-12      # 4 steps, not 3
    assert distances(np.zeros(16), 3)[3] < 1e-10                    # from 0: 3 suffice
    verdict(checks.cg_steps_to_exact(4, k=16, n_played=3), True, "4 distinct")
    verdict(checks.cg_steps_to_exact(4.0, k=16, n_played=3), True)


def test_cg_steps_to_exact_diagnoses():
    verdict(checks.cg_steps_to_exact(None, 16, 3), None, "replace None")
    verdict(checks.cg_steps_to_exact(3, 16, 3), False, "close", "x = 0")
    verdict(checks.cg_steps_to_exact(16, 16, 3), False, "ANY")
    verdict(checks.cg_steps_to_exact(13, 16, 3), False, "ONE eigenvalue")
    verdict(checks.cg_steps_to_exact(14, 16, 3), False, "ONE eigenvalue")
    verdict(checks.cg_steps_to_exact(1, 16, 3), False, "one step")
    verdict(checks.cg_steps_to_exact(7, 16, 3), False, "distinct eigenvalues")
    verdict(checks.cg_steps_to_exact(20, 16, 3), False, "between 1 and k")
    verdict(checks.cg_steps_to_exact(2.5, 16, 3), False, "whole number")
    verdict(checks.cg_steps_to_exact("4", 16, 3), False, "quotes")
    verdict(checks.cg_steps_to_exact([4, 4], 16, 3), False, "shape ()")
    verdict(checks.cg_steps_to_exact(np.nan, 16, 3), False, "NaN")
    with pytest.raises(ValueError, match="n_played"):
        checks.cg_steps_to_exact(4, 16, 16)
    with pytest.raises(TypeError, match="k must be an int"):
        checks.cg_steps_to_exact(4, 16.0, 3)


# ----------------------------------------------------------------------------- 07b.2: AP and NDCG

HITS = np.array([0, 1, 1, 0, 0, 1, 0, 0, 0, 0])     # the exercise: hits at 2, 3, 6; 4 relevant
N_REL = 4


def worked_ap_ndcg(hits, n_rel):
    j = np.arange(1, len(hits) + 1)
    ap = np.sum(hits * np.cumsum(hits) / j) / min(len(hits), n_rel)
    disc = 1 / np.log2(j + 1)
    return ap, (hits @ disc) / disc[:min(len(hits), n_rel)].sum()


def test_ap_ndcg_one_user():
    ap, ndcg = worked_ap_ndcg(HITS, N_REL)
    assert np.isclose(ap, (1 / 2 + 2 / 3 + 3 / 6) / 4)
    # the same numbers as mfedu.metrics on a one-user problem
    from mfedu.data import Ratings
    from mfedu.metrics import map_at_k, ndcg_at_k
    scores = -np.arange(14, dtype=float)                          # item j is at position j + 1
    rel = np.array([1, 2, 5, 12])                                  # hits at 2, 3, 6; item 12 outside the top 10
    test = Ratings(np.zeros(4, int), rel, np.ones(4), 1, 14)
    assert np.isclose(map_at_k(scores[None], test, None, 10), ap)
    assert np.isclose(ndcg_at_k(scores[None], test, None, 10), ndcg)
    verdict(checks.ap_ndcg_one_user(None, HITS, N_REL), None)
    verdict(checks.ap_ndcg_one_user((ap, ndcg), HITS, N_REL), True, "cancels")
    verdict(checks.ap_ndcg_one_user([ap, ndcg], HITS.tolist(), N_REL), True)
    j = np.arange(1, 11)
    natural = (HITS / np.log(j + 1)).sum() / (1 / np.log(j[:4] + 1)).sum()   # any base: the same ratio
    verdict(checks.ap_ndcg_one_user((ap, natural), HITS, N_REL), True)
    verdict(checks.ap_ndcg_one_user((ndcg, ap), HITS, N_REL), False, "swapped")
    precision_j = np.cumsum(HITS) / j
    verdict(checks.ap_ndcg_one_user((np.sum(HITS * precision_j) / 3, ndcg), HITS, N_REL), False, "number of hits")
    verdict(checks.ap_ndcg_one_user((np.sum(HITS * precision_j) / 10, ndcg), HITS, N_REL), False, "divides by k")
    verdict(checks.ap_ndcg_one_user((precision_j.mean(), ndcg), HITS, N_REL), False, "every position")
    verdict(checks.ap_ndcg_one_user((ap + 0.1, ndcg), HITS, N_REL), False, "min(k, |Rel_u|) = 4")
    disc = 1 / np.log2(j + 1)
    dcg = HITS @ disc
    verdict(checks.ap_ndcg_one_user((ap, dcg), HITS, N_REL), False, "that is the DCG")
    verdict(checks.ap_ndcg_one_user((ap, dcg / disc.sum()), HITS, N_REL), False, "only |Rel_u| = 4")
    verdict(checks.ap_ndcg_one_user((ap, dcg / disc[:3].sum()), HITS, N_REL), False, "including those")
    verdict(checks.ap_ndcg_one_user((ap, (HITS / j).sum() / (1 / j[:4]).sum()), HITS, N_REL), False, "1/j")
    jk = 1 / np.maximum(1, np.log2(j))
    verdict(checks.ap_ndcg_one_user((ap, (HITS @ jk) / jk[:4].sum()), HITS, N_REL), False, "original discount")
    verdict(checks.ap_ndcg_one_user((ap, ndcg + 0.1), HITS, N_REL), False, "1/log2(j + 1) over the positions")
    verdict(checks.ap_ndcg_one_user(ap, HITS, N_REL), False, "pair")
    verdict(checks.ap_ndcg_one_user((ap, None), HITS, N_REL), False, "ndcg is still None")
    verdict(checks.ap_ndcg_one_user(("0.42", ndcg), HITS, N_REL), False, "quotes")
    verdict(checks.ap_ndcg_one_user((ap, [ndcg, ndcg]), HITS, N_REL), False, "shape ()")
    with pytest.raises(ValueError, match="hits"):
        checks.ap_ndcg_one_user((ap, ndcg), [0, 2, 1], N_REL)
    with pytest.raises(ValueError, match="n_relevant"):
        checks.ap_ndcg_one_user((ap, ndcg), HITS, 2)            # fewer relevant items than hits


# ----------------------------------------------------------------------------- 07b.3: alpha's scale

def test_alpha_for_rescaled_counts():
    args = dict(alpha=0.2, lam=30.0, factor=10.0)
    verdict(checks.alpha_for_rescaled_counts(None, **args), None)
    verdict(checks.alpha_for_rescaled_counts((0.02, 30.0), **args), True, "unchanged")
    verdict(checks.alpha_for_rescaled_counts((0.2 / 10, 30), **args), True)
    verdict(checks.alpha_for_rescaled_counts((2.0, 30.0), **args), False, "SHRINK")
    verdict(checks.alpha_for_rescaled_counts((0.2, 30.0), **args), False, "10 times more")
    verdict(checks.alpha_for_rescaled_counts((0.002, 30.0), **args), False, "equals the old")
    verdict(checks.alpha_for_rescaled_counts((0.02, 300.0), **args), False, "same function")
    verdict(checks.alpha_for_rescaled_counts((0.02, 3.0), **args), False, "same function")
    verdict(checks.alpha_for_rescaled_counts(0.02, **args), False, "pair")
    verdict(checks.alpha_for_rescaled_counts(("0.02", 30.0), **args), False, "quotes")
    verdict(checks.alpha_for_rescaled_counts((0.02, None), **args), False, "lam is still None")
    # the claim behind it: the confidences are identical
    r = np.array([1.0, 4.0, 30.0])
    assert np.allclose(1 + 0.02 * (10 * r), 1 + 0.2 * r)
    with pytest.raises(ValueError, match="factor"):
        checks.alpha_for_rescaled_counts((0.02, 30.0), 0.2, 30.0, 1.0)
    with pytest.raises(ValueError, match="alpha"):
        checks.alpha_for_rescaled_counts((0.02, 30.0), 0.0, 30.0, 10.0)


@pytest.mark.parametrize("junk", [{"a": 1}, 1 + 2j, [[1, 2], [3]], True, object(), (), (1, 2, 3), np.inf])
def test_junk_answers_get_feedback(junk):
    calls = [lambda a: checks.cg_steps_to_exact(a, 16, 3),
             lambda a: checks.ap_ndcg_one_user(a, HITS, N_REL),
             lambda a: checks.alpha_for_rescaled_counts(a, 0.2, 30.0, 10.0),
             lambda a: checks.preference_confidence(a, R_ROW, ALPHA),
             lambda a: checks.precision_one_user(a, SCORES, TRAIN_ITEMS, TEST_ITEMS, K)]
    for call in calls:
        fb = call(junk)
        assert fb.ok is False, repr(fb)
