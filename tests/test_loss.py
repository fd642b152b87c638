"""mfedu.loss: the MF loss on observed entries, its gradients, and the gradient check."""
import numpy as np
import pytest

from mfedu.data import Ratings, toy
from mfedu.loss import gradient_check, gradients, mf_loss, predict, rating_gradients
from mfedu.result import FitResult


def random_problem(m, n, k, density, seed, biased):
    rng = np.random.default_rng(seed)
    mask = rng.random((m, n)) < density
    mask[0, 0] = True                              # never empty
    users, items = np.nonzero(mask)
    ratings = Ratings(users, items, rng.integers(1, 6, size=len(users)).astype(float), m, n)
    X, Y = rng.normal(size=(m, k)), rng.normal(size=(n, k))
    extra = dict(mu=3.1, bu=rng.normal(size=m), bi=rng.normal(size=n)) if biased else {}
    return ratings, X, Y, extra


def test_loss_by_hand():
    # R = [[5, ?], [?, 1]] plus r_01 = 3; X = [[1], [2]], Y = [[2], [1]]; lam = 0.5
    r = Ratings([0, 0, 1], [0, 1, 1], [5.0, 3.0, 1.0], 2, 2)
    X, Y = np.array([[1.0], [2.0]]), np.array([[2.0], [1.0]])
    # predictions 2, 1, 2 -> errors 3, 2, -1 -> 9 + 4 + 1 = 14; penalty 0.5 (1 + 4 + 4 + 1) = 5
    assert mf_loss(r, X, Y, lam=0.5) == pytest.approx(19.0)
    # weighted: n_u = (2, 1), n_i = (1, 2) -> 0.5 (2*1 + 1*4 + 1*4 + 2*1) = 6
    assert mf_loss(r, X, Y, lam=0.5, weighted=True) == pytest.approx(20.0)
    # biases: mu = 1, bu = (1, 0), bi = (0, -1): predictions 4, 2, 2 -> errors 1, 1, -1 = 3;
    # penalty 0.5 (10 + 1 + 1) = 6
    assert mf_loss(r, X, Y, 0.5, mu=1.0, bu=[1.0, 0.0], bi=[0.0, -1.0]) == pytest.approx(9.0)


def test_unobserved_cells_do_not_count():
    r, X, Y, _ = random_problem(7, 9, 3, 0.4, seed=1, biased=False)
    R = r.to_dense(fill=0.0)
    M = ~np.isnan(r.to_dense())
    dense = np.sum((M * (R - X @ Y.T)) ** 2) + 0.7 * (np.sum(X ** 2) + np.sum(Y ** 2))
    assert mf_loss(r, X, Y, 0.7) == pytest.approx(dense, rel=1e-12)
    # treating the missing cells as zeros is a different (and wrong) loss
    assert np.sum((R - X @ Y.T) ** 2) > np.sum((M * (R - X @ Y.T)) ** 2)


def test_weighted_loss_is_the_sum_of_per_rating_terms():
    r, X, Y, b = random_problem(6, 8, 2, 0.5, seed=2, biased=True)
    lam, u, i = 0.3, r.users, r.items
    e = r.values - (b["mu"] + b["bu"][u] + b["bi"][i] + np.sum(X[u] * Y[i], axis=1))
    per_rating = e ** 2 + lam * (b["bu"][u] ** 2 + b["bi"][i] ** 2
                                 + np.sum(X[u] ** 2, axis=1) + np.sum(Y[i] ** 2, axis=1))
    # per-rating SGD follows this loss; rows with no ratings get weight 0
    assert mf_loss(r, X, Y, lam, weighted=True, **b) == pytest.approx(per_rating.sum(), rel=1e-12)


def test_matrix_form_gradient_equals_the_dense_formula():
    r, X, Y, _ = random_problem(5, 7, 3, 0.5, seed=3, biased=False)
    R, M = r.to_dense(fill=0.0), ~np.isnan(r.to_dense())
    g = gradients(r, X, Y, lam=0.4)
    np.testing.assert_allclose(g["X"], -2 * (M * (R - X @ Y.T)) @ Y + 2 * 0.4 * X, rtol=1e-12)
    np.testing.assert_allclose(g["Y"], -2 * (M * (R - X @ Y.T)).T @ X + 2 * 0.4 * Y, rtol=1e-12)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("biased", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_check_passes_for_random_shapes(seed, biased, weighted):
    rng = np.random.default_rng(100 + seed)
    m, n, k = rng.integers(2, 12, size=3)
    r, X, Y, extra = random_problem(m, n, k, 0.4, seed, biased)
    check = gradient_check(r, X, Y, lam=float(rng.uniform(0, 2)), weighted=weighted, **extra)
    assert check, check
    assert check.n_checked == X.size + Y.size + (m + n if biased else 0)
    assert check.max_rel_error < 1e-7


@pytest.mark.parametrize("mistake, where", [
    (lambda g: {**g, "X": g["X"] / 2}, "X"),                 # the dropped factor 2
    (lambda g: {**g, "Y": -g["Y"]}, "Y"),                    # the flipped sign
    (lambda g: {**g, "bu": g["bu"] + 0.1}, "bu"),            # a wrong bias gradient
])
def test_gradient_check_catches_a_wrong_gradient(mistake, where):
    r, X, Y, extra = random_problem(6, 5, 2, 0.6, seed=5, biased=True)

    def wrong(ratings, X, Y, lam, **kw):
        return mistake(gradients(ratings, X, Y, lam, **kw))

    check = gradient_check(r, X, Y, 0.5, grad=wrong, **extra)
    assert not check
    assert check.worst.startswith(where + "[")
    assert "FAILED" in repr(check) and check.worst in repr(check)


def test_gradient_check_catches_a_missing_lambda_term_and_accepts_tuples():
    r, X, Y, _ = random_problem(6, 5, 2, 0.6, seed=6, biased=False)

    def no_penalty(ratings, X, Y, lam):
        g = gradients(ratings, X, Y, 0.0)
        return g["X"], g["Y"]

    assert not gradient_check(r, X, Y, lam=1.0, grad=no_penalty)
    assert gradient_check(r, X, Y, lam=0.0, grad=no_penalty)


def test_gradient_check_samples_coordinates_and_leaves_inputs_alone():
    r, X, Y, extra = random_problem(9, 8, 3, 0.5, seed=7, biased=True)
    X0 = X.copy()
    check = gradient_check(r, X, Y, 0.2, n_coords=4, **extra)
    assert check and check.n_checked == 16
    np.testing.assert_array_equal(X, X0)


def test_a_small_step_against_the_gradient_lowers_the_loss():
    r, X, Y, extra = random_problem(8, 10, 3, 0.5, seed=8, biased=True)
    g = gradients(r, X, Y, 0.3, **extra)
    before = mf_loss(r, X, Y, 0.3, **extra)
    step = 1e-3
    after = mf_loss(r, X - step * g["X"], Y - step * g["Y"], 0.3, extra["mu"],
                    extra["bu"] - step * g["bu"], extra["bi"] - step * g["bi"])
    assert after < before
    # first-order prediction of the decrease: step * ||grad||^2
    drop = step * sum(np.sum(v ** 2) for v in g.values())
    assert before - after == pytest.approx(drop, rel=0.05)


def test_predict_matches_the_result_type():
    r, X, Y, extra = random_problem(4, 6, 2, 0.5, seed=9, biased=True)
    model = FitResult(X, Y, extra["mu"], extra["bu"], extra["bi"])
    np.testing.assert_allclose(predict(X, Y, r.users, r.items, **extra), model.predict(r.users, r.items))


@pytest.mark.parametrize("call, error, words", [
    (lambda r, X, Y: mf_loss(r, X, Y, lam=-1.0), ValueError, "lam must be >= 0"),
    (lambda r, X, Y: mf_loss(r, X[:-1], Y), ValueError, "X and Y must have 6 and 6 rows"),
    (lambda r, X, Y: mf_loss(r, X, Y[:, :1]), ValueError, "same number of columns"),
    (lambda r, X, Y: mf_loss(r, X, Y, bu=np.zeros(5)), ValueError, "bu must have length n_users = 6"),
    (lambda r, X, Y: mf_loss(r, X, Y, weighted=1), TypeError, "weighted must be True or False"),
    (lambda r, X, Y: mf_loss(r.subset(np.zeros(len(r), bool)), X, Y), ValueError, "at least one rating"),
    (lambda r, X, Y: mf_loss(r.to_dense(), X, Y), TypeError, "ratings must be an mfedu.data.Ratings"),
    (lambda r, X, Y: gradients(r, X * np.nan, Y), ValueError, "X must contain only finite values"),
    (lambda r, X, Y: gradient_check(r, X, Y, eps=0.0), ValueError, "eps must be > 0"),
    (lambda r, X, Y: gradient_check(r, X, Y, grad=lambda *a: {"X": X}), ValueError, "grad must return"),
    (lambda r, X, Y: gradient_check(r, X, Y, grad=lambda *a: (X.T, Y)), ValueError, "shape (2, 6) for X"),
    (lambda r, X, Y: predict(X, Y, [0, 1], [0]), ValueError, "equal lengths"),
    (lambda r, X, Y: predict(X, Y, [0], [6]), ValueError, "items must be in [0, n_items"),
])
def test_bad_input_names_the_argument(call, error, words):
    r = toy()
    X, Y = np.ones((6, 2)), np.ones((6, 2))
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        call(r, X, Y)


@pytest.mark.parametrize("biased", [False, True])
def test_per_rating_gradients_sum_to_the_weighted_matrix_gradient(biased):
    r, X, Y, extra = random_problem(7, 6, 3, 0.5, seed=11, biased=biased)
    lam, mu = 0.4, extra.get("mu", 0.0)
    total = {"X": np.zeros_like(X), "Y": np.zeros_like(Y), "bu": np.zeros(7), "bi": np.zeros(6)}
    for u, i, v in zip(r.users, r.items, r.values):
        b = dict(b_u=extra["bu"][u], b_i=extra["bi"][i]) if biased else {}
        g = rating_gradients(v, X[u], Y[i], lam, mu, **b)
        total["X"][u] += g["x_u"]
        total["Y"][i] += g["y_i"]
        if biased:
            total["bu"][u] += g["b_u"]
            total["bi"][i] += g["b_i"]
    want = gradients(r, X, Y, lam, weighted=True, **extra)
    for name in want:
        np.testing.assert_allclose(total[name], want[name], rtol=1e-12, atol=1e-12)


def test_per_rating_gradient_by_hand_and_bad_input():
    g = rating_gradients(5.0, [1.0, 0.0], [2.0, 1.0], lam=0.5, mu=1.0, b_u=0.5, b_i=-0.5)
    # r_hat = 1 + 0 + 2 = 3, e = 2: dx = -4 (2, 1) + (1, 0) = (-7, -4); db_u = -4 + 0.5
    np.testing.assert_allclose(g["x_u"], [-7.0, -4.0])
    np.testing.assert_allclose(g["y_i"], [-4.0 + 2.0, 0.0 + 1.0])
    assert g["b_u"] == pytest.approx(-3.5) and g["b_i"] == pytest.approx(-4.5)
    with pytest.raises(ValueError, match="b_u and b_i must be given together"):
        rating_gradients(5.0, [1.0], [1.0], b_u=0.1)
    with pytest.raises(ValueError, match="y_i must have length"):
        rating_gradients(5.0, [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="lam must be >= 0"):
        rating_gradients(5.0, [1.0], [1.0], lam=-1.0)
