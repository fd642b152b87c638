import numpy as np
import pytest

from mfedu.data import Ratings, load_synthetic, toy, train_test_split
from mfedu.metrics import mae, rmse
from mfedu.result import FitResult
from mfedu.svdrec import IMPUTATIONS, baseline, impute, rmse_by_rank, svd_recommender, top_n


def by_hand_impute(train, how):
    """The readable loop a student would write."""
    R = train.to_dense()
    mu = np.nanmean(R)
    F = R.copy()
    for u in range(train.n_users):
        for i in range(train.n_items):
            if np.isnan(R[u, i]):
                if how == "zero":
                    F[u, i] = 0.0
                elif how == "global":
                    F[u, i] = mu
                elif how == "user":
                    F[u, i] = np.nanmean(R[u]) if np.any(~np.isnan(R[u])) else mu
                else:
                    F[u, i] = np.nanmean(R[:, i]) if np.any(~np.isnan(R[:, i])) else mu
    return F


@pytest.mark.parametrize("how", IMPUTATIONS)
def test_impute_matches_the_loop(how):
    # user 2 and item 3 have no ratings at all: they fall back to the global mean
    r = Ratings([0, 0, 1, 1, 3], [0, 1, 1, 2, 0], [5.0, 3.0, 4.0, 2.0, 1.0], 4, 4)
    assert np.allclose(impute(r, how), by_hand_impute(r, how))


def test_baseline_reconstructs_imputed_cells():
    t = toy()
    for how in IMPUTATIONS:
        mu, bu, bi = baseline(t, how)
        F = impute(t, how)
        missing = np.isnan(t.to_dense())
        assert np.allclose((mu + bu[:, None] + bi[None, :])[missing], F[missing])


@pytest.mark.parametrize("how", IMPUTATIONS)
def test_svd_recommender_is_baseline_plus_truncated_residual(how):
    t = toy()
    model = svd_recommender(t, rank=2, impute=how)
    F = impute(t, how)
    mu, bu, bi = baseline(t, how)
    B = mu + bu[:, None] + bi[None, :]
    U, s, Vt = np.linalg.svd(F - B)
    expected = B + (U[:, :2] * s[:2]) @ Vt[:2]
    users, items = np.meshgrid(np.arange(6), np.arange(6), indexing="ij")
    got = model.predict(users.ravel(), items.ravel()).reshape(6, 6)
    assert np.allclose(got, expected, atol=1e-8)
    assert isinstance(model, FitResult) and model.rank == 2
    # X = U_k Sigma_k and Y = V_k: the columns of Y are orthonormal
    assert np.allclose(model.Y.T @ model.Y, np.eye(2), atol=1e-8)
    assert model.history["loss"][0] == pytest.approx(np.sum(s[2:] ** 2), rel=1e-8)


@pytest.fixture(scope="module")
def split():
    return train_test_split(load_synthetic(), 0.2, seed=0)


def test_rmse_by_rank_agrees_with_single_fits(split):
    train, test = split
    sweep = rmse_by_rank(train, test, max_rank=12, impute="user")
    for k in (1, 5, 12):
        model = svd_recommender(train, rank=k, impute="user", test=test)
        assert sweep["test_rmse"][k] == pytest.approx(model.history["test_rmse"][0], rel=1e-8)
        assert sweep["train_rmse"][k] == pytest.approx(model.history["train_rmse"][0], rel=1e-8)
    mu, bu, bi = baseline(train, "user")
    assert sweep["test_rmse"][0] == pytest.approx(rmse(test.values, mu + bu[test.users]))
    # more rank always fits the training ratings at least as well (nested subspaces)
    assert np.all(np.diff(sweep["train_rmse"]) <= 1e-12)


def test_svd_recommender_beats_the_global_mean_on_held_out_data(split):
    train, test = split
    model = svd_recommender(train, rank=5, impute="user", test=test)
    mean_only = rmse(test.values, np.full(len(test), train.values.mean()))
    assert model.history["test_rmse"][0] < 0.95 * mean_only


def test_top_n_excludes_rated_items_and_is_sorted(split):
    train, _ = split
    model = svd_recommender(train, rank=5, impute="user")
    top = top_n(model, 3, train, 10)
    rated = set(train.items[train.users == 3].tolist())
    assert len(top) == 10 and not rated & {i for i, _, _ in top}
    scores = [p for _, _, p in top]
    assert scores == sorted(scores, reverse=True)
    assert top[0][1] == train.item_labels[top[0][0]]
    assert np.max(np.delete(model.scores(3), list(rated))) == pytest.approx(scores[0])


def test_metrics():
    assert rmse([1, 2, 3], [1, 2, 3]) == 0.0
    assert rmse([1, 2], [2, 4]) == pytest.approx(np.sqrt(2.5))
    assert mae([1, 2], [2, 4]) == pytest.approx(1.5)
