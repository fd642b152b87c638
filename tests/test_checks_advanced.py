"""Notebook 09's self-checks: not attempted, correct, and each mistake they promise to recognise."""
import numpy as np
import pytest

import mfedu.checks.advanced as checks09
from mfedu.advanced import implicit_matrix, implicit_sums, svdpp_gradients
from mfedu.checks import Feedback
from mfedu.data import Ratings, toy, train_test_split
from mfedu.synthetic import make_timed

from checkutil import verdict      # tests/checkutil.py

TOY = toy()
N = implicit_matrix(TOY)
RNG = np.random.default_rng(0)                    # the notebook's section 2b parameters p0
P0 = {"X": RNG.normal(size=(6, 2)), "Y": RNG.normal(size=(6, 2)), "Z": RNG.normal(size=(6, 2)),
      "bu": RNG.normal(size=6) / 3, "bi": RNG.normal(size=6) / 3}
MU, LAM_Z = TOY.values.mean(), 0.5
J = TOY.item_labels.index("Alien")
JUNK = ["x", [[1, 2], [3]], {"a": 1}, True, 1 + 2j, 10**400, object(), (1.0, None)]


def test_checks_are_listed_in_all():
    assert set(checks09.__all__) == {"z_gradient", "day_offsets_time_split", "confidence_weight"}


# ----------------------------------------------------------------------------- exercise 09.1

def worked_z_gradient(item, d_power=0.5, factor=2.0, with_s=True, penalty=True, m_weight=True, penalty_factor=None):
    """The reader's loop: s_u and e_ui for every rating, then the users who hold j."""
    X, Y, Z, bu, bi = P0["X"], P0["Y"], P0["Z"], P0["bu"], P0["bi"]
    size = np.bincount(TOY.users, minlength=TOY.n_users).astype(float)
    S = np.array([Z[TOY.items[TOY.users == u]].sum(0) / size[u] ** d_power for u in range(TOY.n_users)])
    if not with_s:
        S = 0 * S
    e = TOY.values - (MU + bu[TOY.users] + bi[TOY.items] + np.einsum("jk,jk->j", X[TOY.users] + S[TOY.users], Y[TOY.items]))
    holders = np.unique(TOY.users[TOY.items == item])
    g = np.zeros(2)
    for u in holders:
        mine = TOY.users == u
        g -= factor * size[u] ** -d_power * (e[mine] @ Y[TOY.items[mine]])
    if penalty:
        g += (factor if penalty_factor is None else penalty_factor) * LAM_Z * (len(holders) if m_weight else 1) * Z[item]
    return g


def z_check(answer, item=J):
    return checks09.z_gradient(answer, TOY, N, P0["X"], P0["Y"], P0["Z"], MU, P0["bu"], P0["bi"], lam_z=LAM_Z, item=item)


def test_z_gradient_worked_answer_and_mistakes():
    good = worked_z_gradient(J)
    lib = svdpp_gradients(TOY, N, P0["X"], P0["Y"], P0["Z"], MU, P0["bu"], P0["bi"], 0.1, LAM_Z)["Z"][J]
    assert np.allclose(good, lib)
    verdict(z_check(None), None, "replace None")
    verdict(z_check(good), True, "2 lam_z m_j z_j")
    verdict(z_check(list(good)), True)
    verdict(z_check(-good), False, "sign")
    verdict(z_check(good / 2), False, "half")
    verdict(z_check(worked_z_gradient(J, d_power=0.0)), False, "|N(u)|^(-1/2)")
    verdict(z_check(worked_z_gradient(J, d_power=1.0)), False, "square ROOT")
    verdict(z_check(worked_z_gradient(J, with_s=False)), False, "left s_u out")
    verdict(z_check(worked_z_gradient(J, penalty=False)), False, "penalty", "missing")
    verdict(z_check(worked_z_gradient(J, m_weight=False)), False, "by m_j")
    verdict(z_check(worked_z_gradient(J, penalty_factor=1.0)), False, "data part is right", "not lam_z m_j z_j")
    S = implicit_sums(N, P0["Z"])
    u, i = TOY.users, TOY.items
    e = TOY.values - (MU + P0["bu"][u] + P0["bi"][i] + np.einsum("jk,jk->j", P0["X"][u] + S[u], P0["Y"][i]))
    of_j = i == J
    verdict(z_check(-2 * e[of_j] @ (P0["X"][u[of_j]] + S[u[of_j]])), False, "OF item j")
    verdict(z_check(np.round(good, 2)), False, "rounded")
    verdict(z_check(good + 1.0), False, "chain rule")
    verdict(z_check(np.append(good, 0.0)), False, "shape (2,)")
    verdict(z_check([np.nan, 1.0]), False, "NaN")
    for junk in JUNK:
        fb = z_check(junk)
        assert isinstance(fb, Feedback) and fb.ok is False


def test_z_gradient_validates_the_problem():
    with pytest.raises(ValueError, match="^item"):
        z_check(None, item=TOY.n_items)
    with pytest.raises(TypeError, match="^item"):
        z_check(None, item=1.5)
    with pytest.raises(TypeError, match="^N"):
        checks09.z_gradient(None, TOY, N.toarray(), P0["X"], P0["Y"], P0["Z"], MU, P0["bu"], P0["bi"], lam_z=LAM_Z, item=J)
    with pytest.raises(ValueError, match="^lam_z"):
        checks09.z_gradient(None, TOY, N, P0["X"], P0["Y"], P0["Z"], MU, P0["bu"], P0["bi"], lam_z=-1.0, item=J)
    with pytest.raises(ValueError, match="^Z"):
        checks09.z_gradient(None, TOY, N, P0["X"], P0["Y"], P0["Z"][:3], MU, P0["bu"], P0["bi"], lam_z=LAM_Z, item=J)
    lonely = Ratings(TOY.users, TOY.items, TOY.values, TOY.n_users, TOY.n_items + 1)
    Y1, Z1 = np.vstack([P0["Y"], [[0.1, 0.2]]]), np.vstack([P0["Z"], [[0.1, 0.2]]])
    with pytest.raises(ValueError, match="^item must be in some N"):
        checks09.z_gradient(None, lonely, implicit_matrix(lonely), P0["X"], Y1, Z1, MU, P0["bu"],
                            np.append(P0["bi"], 0.0), lam_z=LAM_Z, item=TOY.n_items)


# ----------------------------------------------------------------------------- exercise 09.2

@pytest.fixture(scope="module")
def time_split():
    return train_test_split(make_timed(seed=0).ratings, test_fraction=0.3, seed=0, by_user=True, order="time")


def share_of(train, test, by_user=True):
    day = lambda r: r.times // 86_400          # calendar (UTC) days, as time_effects counts them  # noqa: E731
    if not by_user:
        return float(np.isin(day(test), day(train)).mean())
    key = lambda r: r.users.astype(np.int64) * 2**32 + day(r)     # noqa: E731
    return float(np.isin(key(test), key(train)).mean())


def test_day_offsets_time_split(time_split):
    tr, te = time_split
    share = share_of(tr, te)
    assert 0.1 < share < 0.4
    check = lambda a: checks09.day_offsets_time_split(a, tr, te)     # noqa: E731
    verdict(check(None), None, "replace None")
    verdict(check(("b", share)), True, f"{share:.1%}")
    verdict(check(["(B)", round(share, 3)]), True)
    verdict(check(("a", share)), False, "is 0")
    verdict(check(("c", share)), False, "straddles")
    verdict(check(("b", 100 * share)), False, "percentage")
    verdict(check(("b", 1 - share)), False, "OTHER")
    by_day = share_of(tr, te, by_user=False)
    assert abs(by_day - share) > 0.01
    verdict(check(("b", by_day)), False, "SAME user")
    verdict(check(("b", share / 3)), False, "recount")
    verdict(check(("d", share)), False, "letters")
    verdict(check(("b", None)), False, "both parts")
    verdict(check("b"), False, "(letter, share)", '("a", 0.5)')
    verdict(check(("b", "x")), False)
    for junk in JUNK:
        fb = check(junk)
        assert isinstance(fb, Feedback) and fb.ok is False


@pytest.fixture(scope="module")
def split_20():
    """Notebook 09's section 3: the time-ordered split with a 20 % test (the reference)."""
    return train_test_split(make_timed(seed=0).ratings, test_fraction=0.2, seed=0, by_user=True, order="time")


def test_day_offsets_time_split_predicted_direction(time_split, split_20):
    tr, te = time_split
    reference_share = share_of(*split_20)
    share = share_of(tr, te)
    assert round(share, 3) == 0.230 and round(reference_share, 3) == 0.321        # the notebook's numbers
    check = lambda a: checks09.day_offsets_time_split(a, tr, te, reference=reference_share)     # noqa: E731
    verdict(check(None), None, "replace None")
    verdict(check(("lower", share)), True, "23.0%", "32.1%", "dilutes")
    verdict(check(("Lower", 0.23)), True)
    verdict(check(("higher", share)), False, "share is right", "lower than", "dilutes")
    verdict(check(("lower", reference_share)), False, "reference split")
    verdict(check(("lower", 100 * share)), False, "percentage")
    verdict(check(("lower", 1 - share)), False, "OTHER")
    verdict(check(("lower", share_of(tr, te, by_user=False))), False, "SAME user")
    verdict(check(("lower", share / 3)), False, "recount")
    verdict(check(("b", share)), False, 'words "higher", "lower"')
    verdict(check(("lower", None)), False, "both parts")
    verdict(check(("lower", "x")), False)
    for not_a_pair in ("lower", ("lower",), ("lower", share, "why")):
        verdict(check(not_a_pair), False, "(word, share)", '("higher", 0.5)')
        assert "letter" not in check(not_a_pair).message
    for junk in JUNK:
        fb = check(junk)
        assert isinstance(fb, Feedback) and fb.ok is False
    # the other way round: a smaller test set concentrates the straddling session
    verdict(checks09.day_offsets_time_split(("higher", reference_share), *split_20, reference=share), True, "concentrates")


def test_day_offsets_time_split_validates_the_problem(time_split):
    tr, te = time_split
    bare = Ratings(te.users, te.items, te.values, *te.shape)
    with pytest.raises(ValueError, match="^test must have times"):
        checks09.day_offsets_time_split(None, tr, bare)
    with pytest.raises(TypeError):
        checks09.day_offsets_time_split(None, "train", te)
    with pytest.raises(ValueError, match="^reference"):
        checks09.day_offsets_time_split(None, tr, te, reference=32.0)
    with pytest.raises(TypeError, match="^reference"):
        checks09.day_offsets_time_split(None, tr, te, reference="0.32")


# ----------------------------------------------------------------------------- exercise 09.3

def test_confidence_weight():
    s, c0 = 1.2, 0.8
    want = 1 / (1 + s**2 / c0**2)
    check = lambda a: checks09.confidence_weight(a, noise_sd=s, clean_sd=c0)     # noqa: E731
    verdict(check(None), None, "replace None")
    verdict(check(want), True)
    verdict(check(0.64 / (0.64 + 1.44)), True)
    verdict(check(1 / (1 + s / c0)), False, "VARIANCES")
    verdict(check(c0**2 / s**2), False, "PLUS")
    verdict(check(1 + s**2 / c0**2), False, "wrong way up")
    verdict(check(1 / (1 + s**2)), False, "not 1")
    verdict(check(np.sqrt(want)), False, "square root")
    verdict(check(1 - want), False, "1 - c")
    verdict(check(round(want, 3)), True)                     # three significant figures: 0.308
    verdict(check(0.3077), True)
    verdict(check(round(want, 2)), False, "close", "three significant figures")
    verdict(check(0.9), False, "error variance")
    verdict(check([want, want]), False, "shape ()")
    for junk in JUNK:
        fb = check(junk)
        assert isinstance(fb, Feedback) and fb.ok is False
    # the notebook's section 4 weight
    verdict(checks09.confidence_weight(1 / (1 + 4 / 0.64), noise_sd=2.0), True)


@pytest.mark.parametrize("bad", [dict(noise_sd=0.0), dict(noise_sd=-1.0), dict(noise_sd=1.0, clean_sd=0.0),
                                 dict(noise_sd=float("nan"))])
def test_confidence_weight_validates_the_problem(bad):
    name = "clean_sd" if "clean_sd" in bad else "noise_sd"
    with pytest.raises(ValueError, match=f"^{name}"):
        checks09.confidence_weight(0.3, **bad)
    with pytest.raises(TypeError, match="^noise_sd"):
        checks09.confidence_weight(0.3, noise_sd="1")
