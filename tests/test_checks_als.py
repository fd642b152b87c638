"""Notebook 06's self-checks: not attempted, correct, and each mistake they promise to recognise."""
import numpy as np
import pytest

from mfedu import checks
from mfedu.als import als_explicit, fold_in
from mfedu.data import toy

from checkutil import verdict      # tests/checkutil.py


TOY = toy()
R = TOY.to_dense()
Y = als_explicit(TOY, rank=2, lam=1.0, weighted=False).Y
U = TOY.user_labels.index("Dev")
RATED = np.flatnonzero(~np.isnan(R[U]))


def ridge(F, r, reg):
    return np.linalg.solve(F.T @ F + reg * np.eye(F.shape[1]), F.T @ r)


def test_checks_are_exported():
    assert {"normal_equations", "fold_in_biased"} <= set(checks.__dict__)


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
    verdict(check(ridge(Y_u, r_u, 0.0)), False, "lam is missing")
    verdict(check(ridge(Y_u, r_u, 2 * reg)), False, "2 lam", "cancels")
    verdict(check(ridge(Y_u, r_u, reg / 2)), False, "lam / 2")
    verdict(check(ridge(Y, np.nan_to_num(R[U]), reg)), False, "ALL items")
    other_user = int(np.flatnonzero(np.arange(6) != U)[0])
    rated = ~np.isnan(R[other_user])
    verdict(check(ridge(Y[rated], R[other_user, rated], reg)), False, f"answer for user {other_user}")
    verdict(check(good[::-1] + 1.0), False, "equation 4")
    verdict(check(np.append(good, 0.0)), False, "shape (2,)")
    verdict(check(np.array([np.nan, 1.0])), False, "NaN")


NEW = {TOY.item_labels.index("Alien"): 5.0, TOY.item_labels.index("The Matrix"): 4.0,
       TOY.item_labels.index("Titanic"): 1.0}
MODEL = als_explicit(TOY, rank=2, lam=0.1, biased=True, weighted=True)


@pytest.mark.parametrize("weighted", [True, False])
def test_fold_in_biased(weighted):
    lam = 0.1 if weighted else 0.3
    idx, r = np.array(list(NEW)), np.array(list(NEW.values()))
    mu, bi = MODEL.mu, MODEL.bi
    reg, other = (lam * len(idx), lam) if weighted else (lam, lam * len(idx))
    Yt = np.column_stack([MODEL.Y[idx], np.ones(len(idx))])
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
    verdict(check(ridge(Yt, r - mu - bi[idx], other)), False, "ALS-WR" if weighted else "plain")
    verdict(check(ridge(Yt, r - mu - bi[idx], 0.0)), False, "penalty is missing")
    verdict(check(ridge(Yt, r - mu - bi[idx], 1.0 * (len(idx) if weighted else 1))), False, "trained with lam")
    D = reg * np.eye(3)
    D[-1, -1] = 0.0
    verdict(check(np.linalg.solve(Yt.T @ Yt + D, Yt.T @ (r - mu - bi[idx]))), False, "penalised too")
    x_only = ridge(MODEL.Y[idx], r - mu - bi[idx], reg)
    verdict(check((x_only, 0.0)), False, "column of ones")
    verdict(check(z + 0.5), False, "np.column_stack")
    verdict(check((z[:-1], z)), False, "pair (x, b)")
    verdict(check("x"), False, "pair (x, b)")
    verdict(check((z[:-1], np.nan)), False, "NaN")
