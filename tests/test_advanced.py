"""SVD++ (mfedu.advanced): the implicit sums, the loss, the z-step and the trainer, each against
a plain reference written from the formulas of the module docstring."""
import numpy as np
import pytest

from mfedu.advanced import SVDppResult, implicit_matrix, implicit_sums, svdpp, svdpp_loss, z_step
from mfedu.data import Ratings, toy, train_test_split
from mfedu.loss import NotFiniteError, mf_loss
from mfedu.metrics import model_rmse
from mfedu.sgd import DivergenceError, sgd_epoch, sgd_epoch_loop, sgd_update
from mfedu.synthetic import make_synthetic


def small(seed=0, m=9, n=7, k=3, density=0.5):
    """A random small set with every user and item rated, and a random model."""
    rng = np.random.default_rng(seed)
    mask = rng.random((m, n)) < density
    mask[np.arange(m), rng.integers(0, n, m)] = True
    mask[rng.integers(0, m, n), np.arange(n)] = True
    u, i = np.nonzero(mask)
    train = Ratings(u, i, rng.integers(1, 6, len(u)).astype(float), m, n)
    model = dict(X=rng.normal(0, .5, (m, k)), Y=rng.normal(0, .5, (n, k)), Z=rng.normal(0, .5, (n, k)),
                 mu=3.0, bu=rng.normal(0, .3, m), bi=rng.normal(0, .3, n))
    return train, model, rng


def sums_by_definition(train_pairs, Z):
    m = train_pairs.n_users
    S = np.zeros((m, Z.shape[1]))
    for u in range(m):
        Nu = sorted(set(train_pairs.items[train_pairs.users == u].tolist()))
        if Nu:
            S[u] = Z[Nu].sum(0) / np.sqrt(len(Nu))
    return S


def loss_by_definition(train, implicit_pairs, X, Y, Z, mu, bu, bi, lam, lam_z):
    S = sums_by_definition(implicit_pairs, Z)
    total = 0.0
    for u, i, r in zip(train.users, train.items, train.values):
        e = r - (mu + bu[u] + bi[i] + (X[u] + S[u]) @ Y[i])
        total += e * e + lam * (bu[u] ** 2 + bi[i] ** 2 + X[u] @ X[u] + Y[i] @ Y[i])
    holders = [len({u for u, j in zip(implicit_pairs.users, implicit_pairs.items) if j == jj})
               for jj in range(Z.shape[0])]
    return total + lam_z * sum(h * (Z[j] @ Z[j]) for j, h in enumerate(holders))


def test_implicit_matrix_and_sums_follow_the_definition():
    train, p, _ = small()
    N = implicit_matrix(train)                         # 0/1, whatever the stars
    assert set(np.unique(N.data)) == {1.0} and N.nnz == len(train)
    assert np.allclose(implicit_sums(N, p["Z"]), sums_by_definition(train, p["Z"]), atol=1e-14)
    empty = Ratings(train.users[train.users != 0], train.items[train.users != 0],
                    train.values[train.users != 0], *train.shape)
    assert np.all(implicit_sums(implicit_matrix(empty), p["Z"])[0] == 0.0)   # empty N(u): s_u = 0


def test_loss_follows_eq_2():
    train, p, rng = small(1)
    cells = np.unique(rng.integers(0, 9 * 7, 30))
    other = Ratings(cells // 7, cells % 7, np.ones(len(cells)), 9, 7)
    for pairs in (train, other):
        got = svdpp_loss(train, implicit_matrix(pairs), **p, lam=0.3, lam_z=0.7)
        assert np.isclose(got, loss_by_definition(train, pairs, **p, lam=0.3, lam_z=0.7), rtol=1e-12)


@pytest.mark.parametrize("biased", [True, False])
def test_sgd_epoch_with_offsets_equals_the_loop(biased):
    train, p, rng = small(2, m=12, n=10)
    S = rng.normal(0, .4, p["X"].shape)
    order = rng.permutation(len(train))
    a = {k: p[k].copy() for k in ("X", "Y", "bu", "bi")}
    b = {k: p[k].copy() for k in ("X", "Y", "bu", "bi")}
    mu, bu_a, bi_a = (p["mu"], a["bu"], a["bi"]) if biased else (0.0, None, None)
    bu_b, bi_b = (b["bu"], b["bi"]) if biased else (None, None)
    sgd_epoch(train, a["X"], a["Y"], 0.05, 0.1, mu, bu_a, bi_a, order, S=S)
    sgd_epoch_loop(train, b["X"], b["Y"], 0.05, 0.1, mu, bu_b, bi_b, order, S=S)
    for key in a:
        assert np.allclose(a[key], b[key], rtol=0, atol=1e-13), key
    # S = 0 is the plain epoch
    c = {k: p[k].copy() for k in ("X", "Y", "bu", "bi")}
    d = {k: p[k].copy() for k in ("X", "Y", "bu", "bi")}
    sgd_epoch(train, c["X"], c["Y"], 0.05, 0.1, 3.0, c["bu"], c["bi"], order, S=np.zeros_like(S))
    sgd_epoch(train, d["X"], d["Y"], 0.05, 0.1, 3.0, d["bu"], d["bi"], order)
    assert all(np.array_equal(c[k], d[k]) for k in c)


def test_the_offset_step_is_minus_lr_times_the_gradient_of_the_rating_term():
    rng = np.random.default_rng(3)
    x, y, s = rng.normal(size=3), rng.normal(size=3), rng.normal(size=3)
    r, bu, bi, mu, lr, lam = 4.0, 0.2, -0.1, 3.5, 0.01, 0.3

    def term(x, y, bu, bi):                 # l_ui = 1/2 [e^2 + lam (b_u^2 + b_i^2 + |x|^2 + |y|^2)], s fixed
        e = r - (mu + bu + bi + (x + s) @ y)
        return 0.5 * (e * e + lam * (bu * bu + bi * bi + x @ x + y @ y))

    new_bu, new_bi, new_x, new_y = sgd_update(r, x, y, bu, bi, mu, lr, lam, s_u=s)
    h = 1e-6
    for j in range(3):
        dx, dy = np.eye(3)[j] * h, np.eye(3)[j] * h
        gx = (term(x + dx, y, bu, bi) - term(x - dx, y, bu, bi)) / (2 * h)
        gy = (term(x, y + dy, bu, bi) - term(x, y - dy, bu, bi)) / (2 * h)
        assert np.isclose(new_x[j], x[j] - lr * gx, atol=1e-10)
        assert np.isclose(new_y[j], y[j] - lr * gy, atol=1e-10)
    gb = (term(x, y, bu + h, bi) - term(x, y, bu - h, bi)) / (2 * h)
    assert np.isclose(new_bu, bu - lr * gb, atol=1e-10)


def test_z_step_converges_to_the_dense_solution_of_eq_3():
    train, p, _ = small(4, m=8, n=6, k=2)
    N = implicit_matrix(train)
    m, n, k = 8, 6, 2
    lam_z = 0.4
    d = 1 / np.sqrt(np.asarray(N.sum(1)).ravel())
    M = np.kron(N.toarray() * d[:, None], np.eye(k))               # vec(S) = M vec(Z), row-major
    t = train.values - p["mu"] - p["bu"][train.users] - p["bi"][train.items] \
        - np.einsum("jk,jk->j", p["X"][train.users], p["Y"][train.items])
    G = np.zeros((m * k, m * k))
    B = np.zeros(m * k)
    for u, i, tt in zip(train.users, train.items, t):
        G[u * k:(u + 1) * k, u * k:(u + 1) * k] += np.outer(p["Y"][i], p["Y"][i])
        B[u * k:(u + 1) * k] += tt * p["Y"][i]
    holders = np.asarray(N.sum(0)).ravel()
    H = M.T @ G @ M + lam_z * np.kron(np.diag(holders), np.eye(k))
    exact = np.linalg.solve(H, M.T @ B).reshape(n, k)
    got = z_step(train, N, p["X"], p["Y"], p["Z"], p["mu"], p["bu"], p["bi"], lam_z, n_steps=n * k)
    assert np.allclose(got, exact, atol=1e-9)
    # and the loss of eq. (2) is flat there in every direction of Z (same objective, no stray 2)
    rng = np.random.default_rng(5)
    args = dict(p, Z=exact)
    for _ in range(3):
        V = rng.normal(size=(n, k)) * 1e-4
        up = svdpp_loss(train, N, **dict(args, Z=exact + V), lam=0.3, lam_z=lam_z)
        down = svdpp_loss(train, N, **dict(args, Z=exact - V), lam=0.3, lam_z=lam_z)
        assert abs(up - down) < 1e-10 * abs(up)
    # fewer steps lower the loss monotonically from the start
    losses = [svdpp_loss(train, N, **dict(p, Z=z_step(train, N, **p, lam_z=lam_z, n_steps=s)), lam=0.3,
                         lam_z=lam_z) for s in range(5)]
    assert all(b <= a + 1e-12 for a, b in zip(losses, losses[1:]))
    assert np.array_equal(z_step(train, N, **p, lam_z=lam_z, n_steps=0), p["Z"])


def test_items_in_no_implicit_set_get_zero_z():
    train, p, _ = small(6)
    keep = train.items != 0
    pairs = Ratings(train.users[keep], train.items[keep], train.values[keep], *train.shape)
    Z = z_step(train, implicit_matrix(pairs), **p, lam_z=1.0, n_steps=3)
    assert np.all(Z[0] == 0.0)


def test_svdpp_result_predicts_eq_1_and_records_its_loss():
    train, test = train_test_split(toy(), 0.25, seed=0)
    model = svdpp(train, rank=2, n_epochs=4, lr=0.02, test=test, z_steps=3)
    assert isinstance(model, SVDppResult) and len(model.history["loss"]) == 4
    S = implicit_sums(model.N, model.Z)
    assert np.allclose(model.X, model.X_own + S)
    u, i = test.users, test.items
    by_hand = model.mu + model.bu[u] + model.bi[i] + np.einsum("jk,jk->j", model.X_own[u] + S[u], model.Y[i])
    assert np.allclose(model.predict(u, i), by_hand)
    assert np.isclose(model.history["loss"][-1],
                      svdpp_loss(train, model.N, model.X_own, model.Y, model.Z, model.mu, model.bu, model.bi,
                                 model.params["lam"], model.params["lam_z"]))
    assert np.isclose(model.history["test_rmse"][-1], model_rmse(model, test))
    again = svdpp(train, rank=2, n_epochs=4, lr=0.02, test=test, z_steps=3)
    assert np.array_equal(again.X, model.X)


def test_svdpp_uses_the_given_implicit_pairs():
    train, _ = train_test_split(toy(), 0.25, seed=0)
    everything = toy()
    a = svdpp(train, rank=2, n_epochs=2, lr=0.02)
    b = svdpp(train, rank=2, n_epochs=2, lr=0.02, implicit=everything)
    assert b.N.nnz == len(everything) and a.N.nnz == len(train)
    assert b.params["implicit"] == "given" and not np.allclose(a.X, b.X)


def test_implicit_information_helps_where_the_choice_carries_taste():
    """On the committed synthetic set, N(u) = the items each user PLAYED (drawn with a strong pull
    of taste, 2.5x as many as the ratings) lowers the test RMSE of the same fit; with z_steps = 0
    (Z stays 0) svdpp is the plain biased SGD model."""
    syn = make_synthetic()
    train, test = train_test_split(syn.explicit, 0.2, seed=0)
    kw = dict(rank=8, lam=0.12, lr=0.015, n_epochs=12)
    plain = svdpp(train, z_steps=0, **kw)
    assert np.all(plain.Z == 0.0)
    played = svdpp(train, implicit=syn.implicit, **kw)
    assert model_rmse(played, test) < model_rmse(plain, test) - 0.002


def test_bad_arguments_are_named():
    train, _ = train_test_split(toy(), 0.25, seed=0)
    with pytest.raises(ValueError, match="implicit must have the shape"):
        svdpp(train, rank=2, implicit=Ratings([0], [0], [1.0], 2, 2))
    with pytest.raises(ValueError, match="lam_z"):
        svdpp(train, rank=2, lam_z=-1.0)
    with pytest.raises(ValueError, match="z_steps"):
        svdpp(train, rank=2, z_steps=-1)
    with pytest.raises(DivergenceError, match="lr"):
        svdpp(train, rank=2, lr=50.0, n_epochs=3)
    N = implicit_matrix(train)
    bad = N.copy()
    bad.data[0] = 2.0
    with pytest.raises(ValueError, match="N must be a 2-D 0/1"):
        implicit_sums(bad, np.zeros((6, 2)))
    with pytest.raises(ValueError, match="Z must have one row per column of N"):
        implicit_sums(N, np.zeros((5, 2)))
    with pytest.raises(NotFiniteError, match="Z"):
        implicit_sums(N, np.full((6, 2), 1e308))


# ----------------------------------------------------------------------------- timeSVD++

from mfedu.advanced import (DAY, DEV_BETA, TIME_TERMS, TimeSVDppResult, time_effects,  # noqa: E402
                            time_step, timesvdpp)
from mfedu.synthetic import make_timed  # noqa: E402


def timed_small(seed=0):
    train, p, rng = small(seed, m=10, n=8)
    times = 900_000_000 + rng.integers(0, 60, len(train)) * DAY + rng.integers(0, DAY, len(train))
    return Ratings(train.users, train.items, train.values, *train.shape, times=times), p, rng


def test_time_effects_layout():
    train, _, _ = timed_small()
    e = time_effects(train, n_bins=4)
    assert e.start == train.times.min() // DAY * DAY                     # midnight of the first day
    day = train.times // DAY - train.times.min() // DAY                  # calendar days
    assert np.array_equal(e.days(train.times), day)
    assert e.bin_days * 4 >= day.max() + 1 > e.bin_days * 3             # 4 bins cover every day
    pairs = sorted(set(zip(train.users.tolist(), day.tolist())))
    assert list(zip(e.day_users.tolist(), e.day_days.tolist())) == pairs
    for u in range(train.n_users):
        assert np.isclose(e.user_mean_day[u], day[train.users == u].mean())
    with pytest.raises(ValueError, match="n_bins"):
        time_effects(train, n_bins=10_000)


def test_time_terms_follow_eq_4():
    train, _, rng = timed_small(1)
    e = time_effects(train, n_bins=3)
    e.item_bins[:] = rng.normal(size=e.item_bins.shape)
    e.alpha[:] = rng.normal(size=e.alpha.shape)
    e.day_bias[:] = rng.normal(size=e.day_bias.shape)
    u, i, t = train.users, train.items, train.times
    day = (t - e.start) // DAY
    gap = day - e.user_mean_day[u]
    lookup = dict(zip(zip(e.day_users.tolist(), e.day_days.tolist()), e.day_bias.tolist()))
    expected = (e.item_bins[i, np.minimum(day // e.bin_days, 2)] + e.alpha[u] * np.sign(gap) * np.abs(gap) ** DEV_BETA
                + np.array([lookup[(a, b)] for a, b in zip(u.tolist(), day.tolist())]))
    assert np.allclose(e.terms(u, i, t), expected)
    # a day with no training rating has no day offset; a day before the first bin uses bin 0
    early = np.array([e.start - 400 * DAY])
    bins, drift, days = e.parts([0], [0], early)
    assert days[0] == 0.0 and bins[0] == e.item_bins[0, 0]


def test_time_step_sets_each_group_to_its_least_squares_minimiser():
    train, _, rng = timed_small(2)
    e0 = time_effects(train, n_bins=3)
    residual = rng.normal(size=len(train))
    lams = (2.0, 30.0, 1.5)

    def objective(e):
        return float(np.sum((residual - e.terms(train.users, train.items, train.times)) ** 2)
                     + lams[0] * np.sum(e.item_bins ** 2) + lams[1] * np.sum(e.alpha ** 2)
                     + lams[2] * np.sum(e.day_bias ** 2))

    e1 = time_step(e0, train, residual, *lams)
    assert objective(e1) < objective(e0)
    e2 = time_step(e1, train, residual, *lams)
    assert objective(e2) <= objective(e1) + 1e-12          # block coordinate descent: monotone
    # after the step the day offsets (the last group updated) are exactly optimal given the rest:
    # moving any one of them cannot lower the objective
    for group, values in (("day_bias", e2.day_bias),):
        for j in range(0, len(values), max(len(values) // 5, 1)):
            for h in (1e-4, -1e-4):
                moved = time_step(e2, train, residual, *lams, time_terms=())   # a copy
                getattr(moved, group)[j] += h
                assert objective(moved) >= objective(e2) - 1e-12
    # groups not listed keep their values
    only_days = time_step(e0, train, residual, *lams, time_terms=("day",))
    assert np.all(only_days.item_bins == 0) and np.all(only_days.alpha == 0) and np.any(only_days.day_bias != 0)


def test_timesvdpp_without_time_terms_is_svdpp_and_needs_times():
    train, test = train_test_split(timed_small(3)[0], 0.25, seed=0)
    a = svdpp(train, rank=2, n_epochs=3, lr=0.02, z_steps=2)
    b = timesvdpp(train, rank=2, n_epochs=3, lr=0.02, z_steps=2, n_bins=2, time_terms=())
    assert np.array_equal(a.X, b.X) and np.array_equal(a.Y, b.Y) and np.array_equal(a.bu, b.bu)
    full = timesvdpp(train, rank=2, n_epochs=3, lr=0.02, z_steps=2, n_bins=2, test=test)
    assert isinstance(full, TimeSVDppResult)
    by_hand = full.predict(test.users, test.items, test.times)
    static = SVDppResult.predict(full, test.users, test.items)
    assert np.allclose(by_hand, static + full.effects.terms(test.users, test.items, test.times))
    assert np.isclose(full.history["test_rmse"][-1], np.sqrt(np.mean((by_hand - test.values) ** 2)))
    for call in (lambda: full.predict(test.users, test.items), lambda: full.scores(0),
                 lambda: full.recommend(0)):
        with pytest.raises(ValueError, match="time"):
            call()
    top = full.recommend(0, k=3, exclude=train, time=int(test.times[0]))
    assert len(top) == 3 and not set(top) & set(train.items[train.users == 0].tolist())
    with pytest.raises(ValueError, match="train must have times"):
        timesvdpp(toy(), rank=2)
    with pytest.raises(ValueError, match="time_terms"):
        timesvdpp(train, rank=2, time_terms=("week",))


def test_timesvdpp_recovers_the_planted_time_effects():
    """On the timed synthetic set (random 80/20 split) the time terms lower the test RMSE of the
    same static model by more than 0.02, and each of the three groups helps on its own."""
    timed = make_timed()
    train, test = train_test_split(timed.ratings, 0.2, seed=0)
    static = timesvdpp(train, time_terms=())
    full = timesvdpp(train)
    assert model_rmse(full, test) < model_rmse(static, test) - 0.02
    for term in TIME_TERMS:
        assert model_rmse(timesvdpp(train, time_terms=(term,)), test) < model_rmse(static, test)


def test_svdpp_gradients_pass_the_central_difference_check():
    from mfedu.advanced import svdpp_gradients
    from mfedu.loss import check_gradient, gradient_check, gradients
    train, p, rng = small(8, m=8, n=6, k=2)
    cells = np.unique(rng.integers(0, 48, 25))
    for pairs in (train, Ratings(cells // 6, cells % 6, np.ones(len(cells)), 8, 6)):
        N = implicit_matrix(pairs)
        analytic = svdpp_gradients(train, N, **p, lam=0.3, lam_z=0.7)
        params = {k: p[k] for k in ("X", "Y", "Z", "bu", "bi")}
        loss = lambda q: svdpp_loss(train, N, q["X"], q["Y"], q["Z"], p["mu"], q["bu"], q["bi"], 0.3, 0.7)  # noqa: E731
        report = check_gradient(loss, params, analytic, n_coords="all")
        assert report.max_rel_error < 1e-6, report
        wrong = dict(analytic, Z=analytic["Z"] / 2)            # a dropped factor 2 is caught
        assert check_gradient(loss, params, wrong, n_coords="all").max_rel_error > 0.3
    # check_gradient on the MF loss agrees with gradient_check
    X, Y = p["X"], p["Y"]
    a = gradient_check(train, X, Y, lam=0.2)
    b = check_gradient(lambda q: mf_loss(train, q["X"], q["Y"], 0.2), {"X": X, "Y": Y},
                       gradients(train, X, Y, 0.2))
    assert a.max_rel_error == b.max_rel_error and a.n_checked == b.n_checked


def test_days_are_calendar_days_whatever_the_clock_time_of_the_first_rating():
    """Two ratings on one calendar day share a b_{u,t} even if the earliest rating of the set was
    given late in its day (the grid is midnight-aligned, not anchored at the first rating)."""
    base = 900_028_800                                   # a midnight (UTC)
    times = np.array([base + 23 * 3600, base + DAY + 3600, base + DAY + 22 * 3600, base + 3 * DAY])
    r = Ratings([0, 0, 0, 1], [0, 1, 2, 0], [3.0, 4.0, 5.0, 2.0], 2, 3, times=times)
    e = time_effects(r, n_bins=1)
    assert e.days(times).tolist() == [0, 1, 1, 3]
    assert list(zip(e.day_users.tolist(), e.day_days.tolist())) == [(0, 0), (0, 1), (1, 3)]
