"""mfedu.evaluation: splits, error bars, search, and the beyond-accuracy metrics.

Every metric is checked against a loop written here from its definition (lists ranked by
sorting, not by FitResult.recommend), against values worked by hand on a 4-item toy, and on
the synthetic plays, where the popularity baseline must show its known faults.
"""
import itertools
import math

import numpy as np
import pytest
from scipy import stats

from mfedu.als_implicit import als_implicit
from mfedu.data import Ratings, load_synthetic, toy
from mfedu.evaluation import (SearchResult, Summary, beyond_accuracy, catalogue_coverage,
                              gini_of_recommendations, grid_search, held_out_propensity,
                              intra_list_diversity, ips_mean, leave_k_out, novelty, random_search,
                              repeat, snips_mean, summarise)
from mfedu.synthetic import PULL_EXPLICIT, make_synthetic
from mfedu.metrics import popularity_baseline
from mfedu.result import FitResult

# ----------------------------------------------------------------------------- reference loops


def top_k(S, train, u, k):
    """u's top-k from the definition: unseen items by score, best first, ties to the lower id."""
    seen = {int(i) for i, v in zip(train.items, train.users) if v == u}
    candidates = [i for i in range(S.shape[1]) if i not in seen]
    return sorted(candidates, key=lambda i: (-S[u, i], i))[:k]


def reference(S, train, k, users, V):
    """coverage, novelty, Gini, ILD written from the module docstring's formulas, one loop each."""
    m, n = S.shape
    lists = [top_k(S, train, u, k) for u in users]
    shown = set(i for L in lists for i in L)
    coverage = len(shown) / n
    n_i = [len({u for u, j in zip(train.users, train.items) if j == i}) for i in range(n)]
    bits = [-math.log2(max(n_i[i], 1) / m) for L in lists for i in L]
    novelty = sum(bits) / len(bits)
    c = [sum(i in L for L in lists) for i in range(n)]
    mean_c = sum(c) / n
    gini = sum(abs(a - b) for a in c for b in c) / (2 * n * n * mean_c)

    def cos(a, b):
        na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(x * x for x in b))
        return 0.0 if na == 0 or nb == 0 else sum(x * y for x, y in zip(a, b)) / (na * nb)

    per_list = []
    for L in lists:
        pairs = [(a, b) for ia, a in enumerate(L) for b in L[ia + 1:]]
        if pairs:
            per_list.append(sum(1 - cos(V[a], V[b]) for a, b in pairs) / len(pairs))
    ild = sum(per_list) / len(per_list) if per_list else float("nan")
    return {"coverage": coverage, "novelty": novelty, "gini": gini, "ild": ild}


def random_case(seed, m=9, n=11, rank=2, density=0.3):
    """A small model whose rounded factors give many tied scores, some zero item vectors, and a
    random training set (some users without any entry)."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(m, rank)), 0)
    Y = np.round(rng.normal(size=(n, rank)), 0)
    Y[rng.random(n) < 0.2] = 0.0
    model = FitResult(X, Y, 0.0, None, np.round(rng.normal(size=n), 0))
    cells = np.flatnonzero(rng.random(m * n) < density)
    users, items = np.divmod(cells, n)
    train = Ratings(users, items, np.ones(len(cells)), m, n)
    return model, train


def scores(model):
    return np.array([model.scores(u) for u in range(model.n_users)])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 3, 11])
def test_every_metric_equals_its_definition(seed, k):
    model, train = random_case(seed)
    S = scores(model)
    users = np.flatnonzero(train.user_counts())
    want = reference(S, train, k, users, model.Y)
    got = beyond_accuracy(model, train, k)
    assert got.keys() == want.keys()
    for name in ("coverage", "novelty", "gini"):
        assert got[name] == pytest.approx(want[name], rel=1e-12, abs=1e-12), name
    if k == 1:
        assert math.isnan(got["ild"]) and math.isnan(want["ild"])
    else:
        assert got["ild"] == pytest.approx(want["ild"], rel=1e-12, abs=1e-12)
        assert intra_list_diversity(model, train, k) == got["ild"]
    assert catalogue_coverage(model, train, k) == got["coverage"]
    assert novelty(model, train, k) == got["novelty"]
    assert gini_of_recommendations(model, train, k) == got["gini"]


def test_given_users_and_item_vectors_equal_the_definition():
    model, train = random_case(7)
    users = [8, 0, 3, 3, 5]                        # unsorted, a repeat (counted once), a cold user
    V = np.random.default_rng(1).normal(size=(model.n_items, 3))
    want = reference(scores(model), train, 4, sorted(set(users)), V)
    got = beyond_accuracy(model, train, 4, users=users, item_vectors=V)
    assert got == pytest.approx(want, rel=1e-12)
    assert intra_list_diversity(model, train, 4, users=users, item_vectors=V) == pytest.approx(want["ild"])


def test_lists_are_the_ones_fit_result_recommends():
    """The metrics see exactly FitResult.recommend's lists: the loop's top_k is that rule."""
    model, train = random_case(3)
    S = scores(model)
    for u in range(model.n_users):
        assert model.recommend(u, 4, exclude=train).tolist() == top_k(S, train, u, 4)


# ----------------------------------------------------------------------------- by hand

# 4 users, 4 items; the model ranks items by popularity b_i = 4, 3, 2, 1 (no factors).
# Train: item 0 has users 2 and 3 (n_0 = 2), item 1 user 3 (n_1 = 1), items 2, 3 nobody.
HAND = FitResult(np.zeros((4, 1)), np.zeros((4, 1)), 0.0, None, np.array([4.0, 3.0, 2.0, 1.0]))
HAND_TRAIN = Ratings([2, 3, 3], [0, 0, 1], [1.0, 1.0, 1.0], 4, 4)
ALL = [0, 1, 2, 3]
V_HAND = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])


def test_hand_worked_k1():
    # lists: users 0, 1 -> [0]; user 2 (has 0) -> [1]; user 3 (has 0, 1) -> [2]
    # c = (2, 1, 1, 0): sorted (0, 1, 1, 2), weights 2j - n - 1 = (-3, -1, 1, 3): 6 / (4 * 4)
    # novelty: item 0 twice at -log2(2/4) = 1; item 1 at -log2(1/4) = 2; item 2 (n_i = 0 -> 1) 2
    got = beyond_accuracy(HAND, HAND_TRAIN, k=1, users=ALL)
    assert got["coverage"] == 3 / 4
    assert got["gini"] == pytest.approx(6 / 16)
    assert got["novelty"] == pytest.approx((1 + 1 + 2 + 2) / 4)
    assert math.isnan(got["ild"])
    with pytest.raises(ValueError, match="k >= 2"):
        intra_list_diversity(HAND, HAND_TRAIN, k=1, users=ALL)
    # default users: only 2 and 3 have training entries: lists [1], [2]
    assert catalogue_coverage(HAND, HAND_TRAIN, k=1) == 2 / 4


def test_hand_worked_k2():
    # lists: [0, 1], [0, 1], [1, 2], [2, 3]; c = (2, 3, 2, 1): sorted (1, 2, 2, 3): 6 / (4 * 8)
    # novelty: item 0 2 x 1 bit, item 1 3 x 2, item 2 2 x 2, item 3 1 x 2: 14 bits / 8
    # ILD with V_HAND: [0, 1] orthogonal -> 1 (twice); [1, 2] -> 1 - 1/sqrt(2); [2, 3] has the
    # zero vector: cosine 0 -> 1
    got = beyond_accuracy(HAND, HAND_TRAIN, k=2, users=ALL, item_vectors=V_HAND)
    assert got == pytest.approx({"coverage": 1.0, "gini": 6 / 32, "novelty": 14 / 8,
                                 "ild": (1 + 1 + (1 - 1 / math.sqrt(2)) + 1) / 4})
    # the model's own Y is all zeros: every cosine is 0, every distance 1
    assert intra_list_diversity(HAND, HAND_TRAIN, k=2, users=ALL) == 1.0


def test_gini_extremes_and_identical_vectors():
    # every list the same k items: c = (u, ..., u, 0, ...): G = (n - k) / n
    n, k = 4, 2
    same = beyond_accuracy(HAND, Ratings([0], [3], [1.0], 4, 4), k=k, users=[0, 1, 2, 3])
    assert same["gini"] == pytest.approx((n - k) / n) and same["coverage"] == k / n
    # parallel vectors: distance 0 (cosines rounded to 1 never give a negative distance)
    V = np.outer([1.0, 2.0, 3.0, 0.1], [0.3, 0.7, 0.1])
    assert intra_list_diversity(HAND, HAND_TRAIN, k=3, users=ALL, item_vectors=V) == pytest.approx(0.0, abs=1e-15)
    # huge vectors do not overflow the lengths
    assert intra_list_diversity(HAND, HAND_TRAIN, k=2, users=ALL, item_vectors=V_HAND * 1e300) == \
        pytest.approx((3 + 1 - 1 / math.sqrt(2)) / 4)


# ----------------------------------------------------------------------------- the synthetic plays

@pytest.fixture(scope="module")
def plays():
    train, test = leave_k_out(load_synthetic("implicit"), k=1, seed=0)
    als = als_implicit(train, rank=10, lam=1.0, alpha=1.0, n_iters=5, seed=0)
    rng = np.random.default_rng(0)
    random = FitResult(rng.normal(size=(train.n_users, 5)), rng.normal(size=(train.n_items, 5)))
    return train, popularity_baseline(train), als, random


def test_popularity_baseline_on_the_synthetic_plays(plays):
    train, pop, als, random = plays
    k = 10
    p = beyond_accuracy(pop, train, k, item_vectors=als.Y)
    a = beyond_accuracy(als, train, k)
    r = beyond_accuracy(random, train, k)
    # each popularity list is the k most popular items the user has not seen, so all lists
    # come from the top k + max n_u items
    assert p["coverage"] * train.n_items <= k + train.user_counts().max()
    assert p["coverage"] < 0.15 and p["coverage"] < a["coverage"] / 2 and p["coverage"] < r["coverage"]
    assert p["novelty"] < a["novelty"] and p["novelty"] < r["novelty"]          # the lowest
    assert p["gini"] > 0.95 and p["gini"] > a["gini"] and p["gini"] > r["gini"]
    assert 0 < a["ild"] < r["ild"]     # a fitted model's lists are more alike than random ones


# ----------------------------------------------------------------------------- leave_k_out

def timed_ratings(seed=0, m=30, n=40, density=0.25):
    rng = np.random.default_rng(seed)
    cells = np.flatnonzero(rng.random(m * n) < density)
    users, items = np.divmod(cells, n)
    times = rng.integers(0, 50, size=len(cells))       # few distinct seconds: many ties
    return Ratings(users, items, rng.integers(1, 6, len(cells)).astype(float), m, n,
                   [f"u{u}" for u in range(m)], [f"i{i}" for i in range(n)], times)


@pytest.mark.parametrize("order", ["random", "time"])
@pytest.mark.parametrize("k", [1, 3])
def test_leave_k_out_counts(order, k):
    r = timed_ratings()
    train, test = leave_k_out(r, k=k, seed=4, order=order)
    n_u = r.user_counts()
    assert np.array_equal(test.user_counts(), np.where(n_u > k, k, 0))
    assert np.array_equal(train.user_counts(), np.where(n_u > k, n_u - k, n_u))
    pairs = lambda x: set(zip(x.users.tolist(), x.items.tolist(), x.values.tolist(), x.times.tolist()))  # noqa: E731
    assert pairs(train) | pairs(test) == pairs(r) and not pairs(train) & pairs(test)
    for part in (train, test):
        assert part.shape == r.shape and part.user_labels == r.user_labels and part.item_labels == r.item_labels


def test_leave_k_out_time_takes_each_users_latest():
    r = timed_ratings(1)
    for seed in range(3):
        train, test = leave_k_out(r, k=2, seed=seed, order="time")
        for u in np.unique(test.users):
            assert test.times[test.users == u].min() >= train.times[train.users == u].max()
    # with distinct times the latest two are fixed: the seed does not matter
    r2 = Ratings(r.users, r.items, r.values, r.n_users, r.n_items, times=np.arange(len(r))[::-1])
    a, b = leave_k_out(r2, 2, seed=0, order="time")[1], leave_k_out(r2, 2, seed=9, order="time")[1]
    assert np.array_equal(np.sort(a.times), np.sort(b.times))
    for u in np.unique(a.users):
        assert sorted(a.times[a.users == u]) == sorted(r2.times[r2.users == u])[-2:]


def test_leave_k_out_random_depends_on_the_seed_only():
    r = toy()
    a, b, c = (leave_k_out(r, 1, seed=s)[1] for s in (0, 0, 1))
    assert np.array_equal(a.items, b.items) and np.array_equal(a.users, b.users)
    assert not (np.array_equal(a.items, c.items) and np.array_equal(a.users, c.users))
    # over many seeds every entry of a user is held out sometimes (random, not the first)
    held = set()
    for s in range(60):
        t = leave_k_out(r, 1, seed=s)[1]
        held |= set(zip(t.users.tolist(), t.items.tolist()))
    assert held == set(zip(r.users.tolist(), r.items.tolist()))


# ----------------------------------------------------------------------------- summarise, repeat

def test_summarise_agrees_with_numpy():
    v = np.random.default_rng(0).normal(3.0, 2.0, size=17)
    s = summarise(v)
    assert isinstance(s, Summary) and s.n == 17 and np.array_equal(s.values, v)
    assert s.mean == pytest.approx(np.mean(v), rel=1e-14)
    assert s.sd == pytest.approx(np.std(v, ddof=1), rel=1e-14)
    assert s.se == pytest.approx(np.std(v, ddof=1) / np.sqrt(17), rel=1e-14)
    assert summarise([2, 2]).sd == 0.0
    huge = summarise([1e308, 1e308, -1e308])                   # no overflow in the squares
    assert huge.mean == pytest.approx(1e308 / 3) and huge.sd == pytest.approx(np.std([1.0, 1, -1], ddof=1) * 1e308)
    assert "±" in str(s)


def test_repeat_scores_each_seed_in_order():
    seen = []

    def score(seed):
        seen.append(seed)
        return seed ** 2

    s = repeat(score, range(2, 6))
    assert seen == [2, 3, 4, 5] and np.array_equal(s.values, [4, 9, 16, 25])
    assert s.mean == pytest.approx(13.5) and s.sd == pytest.approx(np.std([4, 9, 16, 25], ddof=1))
    assert repeat(lambda seed: np.float32(seed), np.arange(3)).mean == 1.0


# ----------------------------------------------------------------------------- search

def test_grid_search_visits_every_combination_once_in_order():
    grid = {"rank": [2, 4, 8], "lam": [0.1, 1.0], "solver": ("cg", "exact")}
    calls = []

    def score(params):
        calls.append(dict(params))
        return -abs(params["rank"] - 4) - params["lam"] + (params["solver"] == "exact")

    res = grid_search(score, grid)
    assert isinstance(res, SearchResult)
    want = [dict(zip(grid, c)) for c in itertools.product(*grid.values())]   # last name fastest
    assert calls == want and [p for p, _ in res.trials] == want
    assert res.best == {"rank": 4, "lam": 0.1, "solver": "exact"} and res.best_score == pytest.approx(0.9)
    low = grid_search(score, grid, minimise=True)
    assert low.best_score == min(s for _, s in res.trials) and low.best == {"rank": 8, "lam": 1.0, "solver": "cg"}


def test_grid_search_ties_and_diverged_runs():
    res = grid_search(lambda p: 1.0, {"a": [3, 1, 2]})
    assert res.best == {"a": 3}                             # equal scores: the first one
    res = grid_search(lambda p: float("nan") if p["a"] == 1 else p["a"], {"a": np.array([1, 0.5])})
    assert res.best == {"a": 0.5} and math.isnan(res.trials[0][1]) and isinstance(res.trials[0][0]["a"], float)
    with pytest.raises(ValueError, match="score gave no finite value"):
        grid_search(lambda p: float("inf"), {"a": [1]})


SPACE = {"lam": ("log", 1e-4, 1e2), "lr": ("uniform", 0.01, 0.02), "rank": ("int", 2, 5),
         "solver": ["cg", "exact", "loop"]}


def draws(n_trials, seed=0, space=SPACE):
    return [p for p, _ in random_search(lambda p: 0.0, space, n_trials, seed).trials]


def test_random_search_is_reproducible_and_inside_the_bounds():
    a, b, c = draws(300, 0), draws(300, 0), draws(300, 1)
    assert a == b and a != c
    lam = np.array([p["lam"] for p in a])
    lr = np.array([p["lr"] for p in a])
    rank = [p["rank"] for p in a]
    assert lam.min() >= 1e-4 and lam.max() <= 1e2 and lr.min() >= 0.01 and lr.max() <= 0.02
    assert set(rank) == {2, 3, 4, 5} and all(type(r) is int for r in rank)      # both ends included
    assert {p["solver"] for p in a} == {"cg", "exact", "loop"}
    best = random_search(lambda p: -abs(np.log10(p["lam"])), SPACE, 50, seed=3)
    assert best.best_score == max(s for _, s in best.trials) and len(best.trials) == 50


def test_log_draws_are_log_uniform_and_uniform_draws_are_not():
    a = draws(2000, 5, {"lam": ("log", 1e-4, 1e2), "u": ("uniform", 1e-4, 1e2)})
    log_lam = np.log10([p["lam"] for p in a])
    assert stats.kstest((log_lam + 4) / 6, "uniform").pvalue > 1e-3          # uniform in log10
    assert abs(np.mean(log_lam < -1) - 0.5) < 0.05                            # half below 1e-1
    u = np.array([p["u"] for p in a])
    assert stats.kstest(u / 1e2, "uniform").pvalue > 1e-3 and np.mean(u < 1e-1) < 0.01


def test_random_search_extreme_bounds_stay_finite():
    a = draws(20, 0, {"x": ("uniform", -1e308, 1e308), "y": ("log", 5e-324, 1.7976931348623157e308),
                      "z": ("uniform", 2.0, 2.0), "i": ("int", -2**63, 2**63 - 1)})
    assert all(np.isfinite(p["x"]) and 5e-324 <= p["y"] <= 1.7976931348623157e308 and p["z"] == 2.0
               for p in a)


# ----------------------------------------------------------------------------- missing not at random

@pytest.fixture(scope="module")
def small():
    return make_synthetic(seed=3, n_users=30, n_items=200, n_ratings=1500)


def test_rating_propensity_matches_repeated_draws(small):
    """P_ui against the share of 400 repeated draws made as make_synthetic makes them (each
    user's n_u largest keys log pop_i + pull (s*_ui - score_mean) + Gumbel noise): within
    4.5 binomial standard errors everywhere (plus 0.01 for the threshold approximation), and on
    average no further than the draws' own noise (E|N(0, se^2)| = se sqrt(2/pi)) plus 0.003;
    each row sums to n_u."""
    T, R = small.truth, small.explicit
    n_u = R.user_counts()
    P = T.rating_propensity(n_u)
    np.testing.assert_allclose(P.sum(axis=1), n_u, rtol=1e-9)
    S = T.score(np.arange(30), None)
    rng, hits, draws = np.random.default_rng(0), np.zeros(P.shape), 400
    log_w = T.log_pop[None, :] + PULL_EXPLICIT * (S - T.score_mean)
    for _ in range(draws):
        keys = log_w + rng.gumbel(size=log_w.shape)
        for u in range(30):
            hits[u, np.argsort(-keys[u])[:n_u[u]]] += 1
    share = hits / draws
    se = np.sqrt(P * (1 - P) / draws)
    assert np.all(np.abs(share - P) <= 4.5 * se + 0.01), np.max(np.abs(share - P) - 4.5 * se)
    assert np.mean(np.abs(share - P)) < np.mean(se) * np.sqrt(2 / np.pi) + 0.003
    # the observed pairs themselves are likelier than the rest
    observed = np.zeros(P.shape, bool)
    observed[R.users, R.items] = True
    assert P[observed].mean() > 3 * P[~observed].mean()


def test_rating_propensity_edges_and_pull(small):
    T = small.truth
    n_u = np.zeros(30, dtype=int)
    n_u[1], n_u[2] = 200, 7
    P = T.rating_propensity(n_u)
    assert np.all(P[0] == 0) and np.all(P[1] == 1) and P[2].sum() == pytest.approx(7)
    flat = T.rating_propensity(n_u, pull=0.0)            # popularity alone: no taste in it
    order = np.argsort(T.log_pop)
    assert np.all(np.diff(flat[2, order]) >= -1e-15)


def test_draw_stars_is_the_star_rule_with_fresh_noise(small):
    T = small.truth
    S = T.score(np.arange(30), None)
    z = S + T.sigma * np.random.default_rng(4).normal(size=S.shape)
    by_rule = 1 + (z[..., None] > T.thresholds).sum(axis=-1)
    np.testing.assert_array_equal(T.draw_stars(4), by_rule)
    assert not np.array_equal(T.draw_stars(4), T.draw_stars(5))
    big = make_synthetic(seed=0, n_users=100, n_items=200, n_ratings=4000).truth
    mean_of_draws = np.mean([big.draw_stars(s).mean() for s in range(5)])
    assert mean_of_draws == pytest.approx(big.expected_rating(np.arange(100), None).mean(), abs=0.01)


def test_held_out_propensity_is_the_conditional_probability():
    P = np.array([0.02, 0.3, 0.9, 1.0, 0.0])
    q = 0.25
    np.testing.assert_allclose(held_out_propensity(P, q), q * P / (1 - (1 - q) * P))
    rng = np.random.default_rng(1)
    observed = rng.random((200_000, 5)) < P
    test = observed & (rng.random((200_000, 5)) < q)
    not_train = ~(observed & ~test)
    share = test.sum(axis=0) / not_train.sum(axis=0)
    np.testing.assert_allclose(share, held_out_propensity(P, q), atol=0.01)
    assert held_out_propensity(P.reshape(1, 5), q).shape == (1, 5)


def test_ips_is_unbiased_and_snips_is_a_weighted_mean():
    """Each of 40 cells observed with its own probability, 20,000 times: the mean IPS estimate is
    the true mean (within 4 standard errors); the naive mean over observed cells is not; SNIPS
    equals the weighted mean written as a loop."""
    rng = np.random.default_rng(2)
    error = rng.uniform(0, 4, 40)
    P = np.clip(0.05 + 0.2 * (4 - error) / 4, 0.05, 1.0)     # small errors are seen more often
    ips, naive = [], []
    for _ in range(20_000):
        seen = rng.random(40) < P
        if seen.any():
            ips.append(ips_mean(error[seen], P[seen], 40))
            naive.append(error[seen].mean())
    ips = np.array(ips)
    assert abs(ips.mean() - error.mean()) < 4 * ips.std() / np.sqrt(len(ips))
    assert np.mean(naive) < error.mean() - 0.3
    v, p = [1.0, 2.0, 4.0], [0.5, 0.25, 1.0]
    weighted = sum(x / q for x, q in zip(v, p)) / sum(1 / q for q in p)
    assert snips_mean(v, p) == pytest.approx(weighted)
    assert ips_mean(v, p, 10) == pytest.approx((2 + 8 + 4) / 10)
    assert min(v) <= snips_mean(v, p) <= max(v)


# ----------------------------------------------------------------------------- bad input

T = toy()
M6 = FitResult(np.ones((6, 1)), np.ones((6, 1)))
BAD = [
    (lambda: leave_k_out(T, k=0), ValueError, r"k must be an int >= 1"),
    (lambda: leave_k_out(T, k=6), ValueError, "k = 6 leaves nothing to test"),
    (lambda: leave_k_out(T, k=1.0), TypeError, "k must be an int"),
    (lambda: leave_k_out(T, seed=-1), ValueError, "seed must be"),
    (lambda: leave_k_out(T, order="time"), ValueError, 'order="time" needs ratings with times'),
    (lambda: leave_k_out(T, order="latest"), ValueError, "order must be one of"),
    (lambda: leave_k_out(T.to_dense(), 1), TypeError, "ratings must be an mfedu.data.Ratings"),
    (lambda: summarise([1.0]), ValueError, "values must hold at least 2"),
    (lambda: summarise([1.0, np.nan]), ValueError, "values must contain only finite"),
    (lambda: summarise([[1.0, 2.0]]), ValueError, "values must be 1-D"),
    (lambda: summarise([-1.7e308, 1.7e308]), ValueError, "values are too spread out"),
    (lambda: repeat(3, [0, 1]), TypeError, "score must be a callable"),
    (lambda: repeat(lambda s: s, 5), TypeError, "seeds must be a sequence"),
    (lambda: repeat(lambda s: s, [0]), ValueError, "seeds must hold at least 2"),
    (lambda: repeat(lambda s: s, [0, 1.5]), TypeError, r"seeds\[1\] must be an int"),
    (lambda: repeat(lambda s: "x", [0, 1]), TypeError, r"score must return a real number, but score\(0\)"),
    (lambda: repeat(lambda s: float("nan"), [0, 1]), ValueError, r"score's result score\(0\) must be finite"),
    (lambda: grid_search(lambda p: 0, {}), TypeError, "grid must be a non-empty dict"),
    (lambda: grid_search(lambda p: 0, {"a": []}), ValueError, r"grid\['a'\] must hold at least one"),
    (lambda: grid_search(lambda p: 0, {"a": 3}), TypeError, r"grid\['a'\] must be a list"),
    (lambda: grid_search(lambda p: 0, {1: [3]}), TypeError, "grid names must be str"),
    (lambda: grid_search(None, {"a": [1]}), TypeError, "score must be a callable"),
    (lambda: grid_search(lambda p: 0, {"a": [1]}, minimise=1), TypeError, "minimise must be True or False"),
    (lambda: grid_search(lambda p: [1], {"a": [1]}), TypeError, "score must return a real number"),
    (lambda: random_search(lambda p: 0, {"a": ("log", 0.0, 1.0)}, 3), ValueError, r"space\['a'\] lo must be > 0"),
    (lambda: random_search(lambda p: 0, {"a": ("uniform", 2.0, 1.0)}, 3), ValueError, r"space\['a'\] hi must be >= 2"),
    (lambda: random_search(lambda p: 0, {"a": ("int", 1, 2.5)}, 3), TypeError, r"space\['a'\] hi must be an int"),
    (lambda: random_search(lambda p: 0, {"a": ("normal", 0, 1)}, 3), ValueError, r"space\['a'\]\[0\] must be one of"),
    (lambda: random_search(lambda p: 0, {"a": (0.1, 0.2)}, 3), TypeError, r"space\['a'\] must be a list of choices or a tuple"),
    (lambda: random_search(lambda p: 0, {"a": []}, 3), ValueError, r"space\['a'\] must hold at least one"),
    (lambda: random_search(lambda p: 0, {"a": [1]}, 0), ValueError, "n_trials must be an int >= 1"),
    (lambda: random_search(lambda p: 0, {"a": [1]}, 3, seed=-1), ValueError, "seed must be an int >= 0"),
    (lambda: random_search(lambda p: 0, [("a", [1])], 3), TypeError, "space must be a non-empty dict"),
    (lambda: catalogue_coverage(scores(M6), T), TypeError, "model must be an mfedu.result.FitResult"),
    (lambda: novelty(M6, T, k=0), ValueError, r"k must be an int in \[1, n_items = 6\]"),
    (lambda: novelty(M6, T, k=7), ValueError, r"k must be an int in \[1, n_items = 6\]"),
    (lambda: gini_of_recommendations(M6, Ratings([0], [0], [1.0], 7, 6), 3), ValueError, "train must have the model's shape"),
    (lambda: gini_of_recommendations(M6, T.to_csr()), TypeError, "train must be an mfedu.data.Ratings"),
    (lambda: beyond_accuracy(M6, T, 3, users=[6]), ValueError, r"users must be in \[0, n_users\)"),
    (lambda: beyond_accuracy(M6, T, 3, users=[]), ValueError, "users must hold at least one"),
    (lambda: beyond_accuracy(M6, Ratings([], [], [], 6, 6), 3), ValueError, "train has no entries"),
    (lambda: beyond_accuracy(M6, Ratings([0] * 6, range(6), [1.0] * 6, 6, 6), 3, users=[0]), ValueError, "no list has an item"),
    (lambda: intra_list_diversity(M6, T, 3, item_vectors=np.ones((5, 2))), ValueError, "item_vectors must have one row per item"),
    (lambda: intra_list_diversity(M6, T, 3, item_vectors=np.full((6, 2), np.nan)), ValueError, "item_vectors must contain only finite"),
    (lambda: held_out_propensity([0.1, 1.5], 0.2), ValueError, r"propensity must hold probabilities in \[0, 1\], got 1.5"),
    (lambda: held_out_propensity([0.1, 0.5], 0.0), ValueError, "test_fraction must be"),
    (lambda: held_out_propensity("0.5", 0.2), TypeError, "propensity must be"),
    (lambda: ips_mean([1.0, 2.0], [0.5, 0.0], 4), ValueError, r"propensity must hold probabilities in \(0, 1\]"),
    (lambda: ips_mean([1.0, 2.0], [0.5], 4), ValueError, r"propensity must hold one probability per value \(2\)"),
    (lambda: ips_mean([1.0, 2.0], [0.5, 0.5], 1), ValueError, "n_total must be an int >= 2"),
    (lambda: ips_mean([], [], 4), ValueError, "values must hold at least one observed cell"),
    (lambda: snips_mean([1.0, np.nan], [0.5, 0.5]), ValueError, "values must contain only finite"),
    (lambda: snips_mean([1.0, 2.0], [0.5, np.nan]), ValueError, "propensity must contain only finite"),
]


@pytest.mark.parametrize("call, error, message", BAD)
def test_bad_input_gives_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()



@pytest.mark.parametrize("call, error, message", [
    (lambda: make_synthetic(0, 4, 40, 80).truth.rating_propensity([1, 2, 3]), ValueError,
     r"n_rated must hold one count in \[0, n_items = 40\] for each of the 4 users, got 3"),
    (lambda: make_synthetic(0, 4, 40, 80).truth.rating_propensity([1, 2, 3, 41]), ValueError, "n_rated must hold one count"),
    (lambda: make_synthetic(0, 4, 40, 80).truth.rating_propensity([1, 2, 3, 1.5]), TypeError, "n_rated"),
    (lambda: make_synthetic(0, 4, 40, 80).truth.rating_propensity([1, 2, 3, 4], pull=-1.0), ValueError, "pull must be"),
    (lambda: make_synthetic(0, 4, 40, 80).truth.draw_stars(-1), ValueError, "seed must be an int >= 0"),
])
def test_truth_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
