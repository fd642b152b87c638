"""Notebook 06's self-checks: not attempted, correct, and each mistake they promise to recognise."""
import numpy as np
import pytest

from mfedu import checks
from mfedu.als import als_explicit, fold_in, half_step
from mfedu.checks import Feedback
from mfedu.data import toy

from checkutil import verdict      # tests/checkutil.py


TOY = toy()
R = TOY.to_dense()
Y = als_explicit(TOY, rank=2, lam=1.0, weighted=False).Y      # the notebook's section-2 factors
U = TOY.user_labels.index("Dev")
RATED = np.flatnonzero(~np.isnan(R[U]))
JUNK = ["x", [[1, 2], [3]], {"a": 1}, True, 1 + 2j, 10**400, object(), (1.0, None)]


def ridge(F, r, reg):
    return np.linalg.solve(F.T @ F + reg * np.eye(F.shape[1]), F.T @ r)


def test_checks_are_exported():
    assert {"normal_equations", "fold_in_biased", "symmetric_start"} <= set(checks.__dict__)


# ----------------------------------------------------------------------------- exercise 06.1

@pytest.mark.parametrize("weighted", [False, True])
def test_normal_equations(weighted):
    lam, n_u = 0.5, len(RATED)
    reg, other = (lam * n_u, lam) if weighted else (lam, lam * n_u)
    Y_u, r_u = Y[RATED], R[U, RATED]
    good = ridge(Y_u, r_u, reg)
    assert np.allclose(good, fold_in(dict(zip(RATED, r_u)), Y, lam, weighted=weighted)[0])
    check = lambda a: checks.normal_equations(a, TOY, Y, lam, user=U, weighted=weighted)
    verdict(check(None), None, "replace None")
    verdict(check(good), True)
    verdict(check(list(good)), True)
    verdict(check(ridge(Y_u, r_u, other)), False, "ALS-WR" if not weighted else "plain")
    verdict(check(ridge(Y_u, r_u, 0.0)), False, "penalty is missing")
    verdict(check(ridge(Y_u, r_u, 2 * reg)), False, "twice", "earlier cell", "cancels")
    verdict(check(ridge(Y_u, r_u, reg / 2)), False, "half of")
    verdict(check(ridge(Y_u, r_u, 0.12 * (n_u if weighted else 1))), False, "lam = 0.12", "earlier cell")
    verdict(check(ridge(Y_u, r_u, 0.3333 * reg)), False, "on the diagonal", "earlier cell")
    verdict(check(ridge(Y, np.nan_to_num(R[U]), reg)), False, "ALL items")
    other_user = int(np.flatnonzero(np.arange(6) != U)[0])
    rated = ~np.isnan(R[other_user])
    verdict(check(ridge(Y[rated], R[other_user, rated], reg)), False, f"answer for user {other_user}")
    verdict(check(np.round(good, 3)), False, "round")
    verdict(check(good[::-1] + 1.0), False, "equation 4")
    verdict(check(np.append(good, 0.0)), False, "shape (2,)")
    verdict(check(np.array([np.nan, 1.0])), False, "NaN")


def test_normal_equations_leftover_lam_is_named_first():
    """The notebook's exercise: lam = 0.5 (plain) while the variable lam still holds 1.0."""
    Y_u, r_u = Y[RATED], R[U, RATED]
    fb = checks.normal_equations(ridge(Y_u, r_u, 1.0), TOY, Y, 0.5, user=U)
    verdict(fb, False, "you put 1 on the diagonal", "earlier cell's value, type 0.5")
    assert fb.message.index("earlier cell") < fb.message.index("factor 2")
    assert "you used 2 lam" not in fb.message


@pytest.mark.parametrize("m, words", [(-1, "one too few"), (+1, "one too many")])
def test_normal_equations_off_by_one_n_u(m, words):
    lam, n_u = 0.5, len(RATED)
    Y_u, r_u = Y[RATED], R[U, RATED]
    fb = checks.normal_equations(ridge(Y_u, r_u, lam * (n_u + m)), TOY, Y, lam, user=U, weighted=True)
    verdict(fb, False, f"n_u = {n_u + m}", words, f"here {n_u}")


def test_normal_equations_user_out_of_range_raises():
    good = ridge(Y[RATED], R[U, RATED], 0.5)
    for bad in (99, -1, TOY.n_users):
        with pytest.raises(ValueError, match="^user must be an int in"):
            checks.normal_equations(good, TOY, Y, 0.5, user=bad)
    with pytest.raises(TypeError, match="^user must be an int"):
        checks.normal_equations(good, TOY, Y, 0.5, user=1.0)


@pytest.mark.parametrize("junk", JUNK)
def test_normal_equations_junk_is_feedback(junk):
    fb = checks.normal_equations(junk, TOY, Y, 0.5, user=U)
    assert isinstance(fb, Feedback) and fb.ok is False


# ----------------------------------------------------------------------------- exercise 06.2

NEW = {TOY.item_labels.index("Alien"): 5.0, TOY.item_labels.index("The Matrix"): 4.0,
       TOY.item_labels.index("Titanic"): 2.0}                 # the notebook's new user
MODEL = als_explicit(TOY, rank=2, lam=0.1, biased=True, weighted=True)


@pytest.mark.parametrize("weighted", [True, False])
def test_fold_in_biased(weighted):
    lam = 0.1 if weighted else 0.3
    idx, r = np.array(list(NEW)), np.array(list(NEW.values()))
    mu, bi = MODEL.mu, MODEL.bi
    n_u = len(idx)
    reg, other = (lam * n_u, lam) if weighted else (lam, lam * n_u)
    Yt = np.column_stack([MODEL.Y[idx], np.ones(n_u)])
    z = ridge(Yt, r - mu - bi[idx], reg)
    x, b = fold_in(NEW, MODEL.Y, lam, weighted=weighted, mu=mu, bi=bi)
    assert np.allclose(z, np.append(x, b))                     # the check's answer is mfedu's
    check = lambda a: checks.fold_in_biased(a, NEW, MODEL.Y, lam, mu, bi, weighted=weighted)
    verdict(check(None), None, "replace None")
    verdict(check((z[:-1], z[-1])), True)
    verdict(check(z), True)                                    # one vector [x, b] is accepted
    verdict(check(ridge(Yt, r - bi[idx], reg)), False, "subtract mu")
    verdict(check(ridge(Yt, r - mu, reg)), False, "b_i too")
    verdict(check(ridge(Yt, r, reg)), False, "right-hand side")
    verdict(check(ridge(Yt, r - mu, 0.0)), False, "b_i too", "Also", "penalty is missing")
    verdict(check(ridge(Yt, r - mu - bi[idx], other)), False, "ALS-WR" if not weighted else "plain")
    verdict(check(ridge(Yt, r - mu - bi[idx], 0.0)), False, "penalty is missing")
    verdict(check(ridge(Yt, r - mu - bi[idx], 1.0 * (n_u if weighted else 1))), False, "lam = 1", "earlier cell")
    D = reg * np.eye(3)
    D[-1, -1] = 0.0
    verdict(check(np.linalg.solve(Yt.T @ Yt + D, Yt.T @ (r - mu - bi[idx]))), False, "penalised too")
    x_only = ridge(MODEL.Y[idx], r - mu - bi[idx], reg)
    verdict(check((x_only, 0.0)), False, "column of ones")
    verdict(check(np.round(z, 3)), False, "round")
    verdict(check(z + 0.5), False, "np.column_stack")
    verdict(check((z[:-1], z)), False, "pair (x, b)")
    verdict(check("x"), False, "pair (x, b)")
    verdict(check((z[:-1], np.nan)), False, "NaN")


@pytest.mark.parametrize("m, words", [(2, "one too few"), (4, "one too many"), (6, "ALL items")])
def test_fold_in_biased_miscounted_n_u(m, words):
    idx, r = np.array(list(NEW)), np.array(list(NEW.values()))
    Yt = np.column_stack([MODEL.Y[idx], np.ones(len(idx))])
    z = ridge(Yt, r - MODEL.mu - MODEL.bi[idx], 0.1 * m)
    fb = checks.fold_in_biased(z, NEW, MODEL.Y, 0.1, MODEL.mu, MODEL.bi)
    if m == 6:          # 6 = 2 n_u: "twice lam n_u" is named first, and it says what to put there
        verdict(fb, False, "twice", "0.3")
    else:
        verdict(fb, False, f"n_u = {m}", words, "here 3")


@pytest.mark.parametrize("junk", JUNK)
def test_fold_in_biased_junk_is_feedback(junk):
    fb = checks.fold_in_biased(junk, NEW, MODEL.Y, 0.1, MODEL.mu, MODEL.bi)
    assert isinstance(fb, Feedback) and fb.ok is False


# ----------------------------------------------------------------------------- exercise 06.3

def test_symmetric_start_answer_is_what_als_does():
    """The worked answer: five sweeps from equal rows leave X Y^T with one singular value."""
    R_u = TOY.to_csr()
    R_i = R_u.T.tocsr()
    n_u, n_i = np.diff(R_u.indptr), np.diff(R_i.indptr)
    Y_same = np.full((TOY.n_items, 3), 0.1)
    for _ in range(5):
        X_s = half_step(R_u, Y_same, 0.12 * n_u)
        Y_same = half_step(R_i, X_s, 0.12 * n_i)
    s = np.linalg.svd(X_s @ Y_same.T, compute_uv=False)
    answer = int(np.sum(s > 1e-6 * s[0]))
    assert answer == 1
    verdict(checks.symmetric_start(answer, rank=3), True, "multiple of c")


def test_symmetric_start_diagnoses():
    check = lambda a: checks.symmetric_start(a, rank=4)
    verdict(check(None), None, "replace None")
    verdict(check(1), True)
    verdict(check(1.0), True)
    verdict(check(np.int64(1)), True)
    verdict(check(4), False, "only room", "direction")
    verdict(check(0), False, "not Y = 0")
    verdict(check(2), False, "fewer than k")
    verdict(check(3), False, "fewer than k")
    verdict(check(5), False, "at most 4")
    verdict(check(-1), False, "at least 0")
    verdict(check(1.5), False, "whole number")
    verdict(check([1, 1]), False, "shape")
    verdict(check(np.nan), False, "NaN")
    for junk in JUNK:
        fb = check(junk)
        assert isinstance(fb, Feedback) and fb.ok is False


def test_symmetric_start_validates_rank():
    with pytest.raises(ValueError, match="^rank must be an int >= 2"):
        checks.symmetric_start(1, rank=1)
    with pytest.raises(TypeError, match="^rank must be an int"):
        checks.symmetric_start(1, rank=4.0)
