"""Self-checks of notebooks 03-05: the right answer passes, each recognised mistake is named."""
import numpy as np
import pytest

from mfedu import checks
from mfedu.data import toy
from mfedu.loss import gradients, mf_loss


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    bu, bi = np.linspace(-0.5, 0.5, 6), np.linspace(0.3, -0.3, 6)
    return toy(), X, Y, bu, bi


def test_every_check_reports_not_attempted(problem):
    r, X, Y, bu, bi = problem
    results = [checks.mf_loss_value(None, r, X, Y, 0.5, 3.0, bu, bi), checks.tiny_minimum(None, 2.0, 0.5),
               checks.item_gradient(None, r, X, Y, 0.5, 3), checks.bias_step_limit(None, 197, 10.0),
               checks.sgd_update(None, 5.0, X[0], Y[0], 0.0, 0.0, 3.0, 0.05, 0.1),
               checks.plain_lambda(None, 0.12, 85),
               checks.mf.batch_levels(None, [0, 1, 0], [0, 0, 1])]
    assert all(fb.ok is None and "replace None" in fb.message for fb in results)


def test_mf_loss_value(problem):
    r, X, Y, bu, bi = problem
    R, obs = r.to_dense(), ~np.isnan(r.to_dense())
    pen = 0.5 * (np.sum(X ** 2) + np.sum(Y ** 2) + bu @ bu + bi @ bi)
    sq = np.sum((R - (3 + bu[:, None] + bi[None, :] + X @ Y.T))[obs] ** 2)
    assert checks.mf_loss_value(sq + pen, r, X, Y, 0.5, 3.0, bu, bi)
    cases = {sq: "add the L2 penalty",
             sq + 0.5 * (np.sum(X ** 2) + np.sum(Y ** 2)): "also covers the biases",
             np.sum((R - (3 + bu[None, :] + bi[:, None] + X @ Y.T))[obs] ** 2) + pen: "wrong way round",
             mf_loss(r, X, Y, 0.5): "WITHOUT biases",
             mf_loss(r, X, Y, 1.5, 3.0, bu, bi): "lam = 1.5"}
    for value, words in cases.items():
        fb = checks.mf_loss_value(value, r, X, Y, 0.5, 3.0, bu, bi)
        assert not fb and words in fb.message


def test_tiny_minimum():
    t = np.sqrt(1.5)
    assert checks.tiny_minimum((t, t), 2.0, 0.5)
    assert checks.tiny_minimum((1.2247, 1.2247), 2.0, 0.5)                # rounded as printed
    assert "square root of a negative" in checks.tiny_minimum((np.nan, np.nan), 2.0, 0.5).message
    for answer, words in [((-t, -t), "symmetric"), ((1.0, 2.0), "WITHOUT the penalty"),
                          ((1.5, 1.5), "square root"), ((1.0, 1.5), "balances"),
                          ((1.22, 1.22), "close: that looks like x = y = t rounded")]:
        fb = checks.tiny_minimum(answer, 2.0, 0.5)
        assert not fb and words in fb.message
    assert "close" not in checks.tiny_minimum((1.1, 1.1), 2.0, 0.5).message   # a real miss
    assert "close" not in checks.tiny_minimum((0.0, 0.0), 1e-6, 0.0).message


def test_dense_loss(problem):
    r = problem[0]

    def right(R, X, Y, lam):
        M = ~np.isnan(R)
        return np.sum((R - X @ Y.T)[M] ** 2) + lam * (np.sum(X ** 2) + np.sum(Y ** 2))

    def zeros(R, X, Y, lam):
        return np.sum((np.nan_to_num(R) - X @ Y.T) ** 2) + lam * (np.sum(X ** 2) + np.sum(Y ** 2))

    def starter(R, X, Y, lam):
        return np.sum((R - X @ Y.T) ** 2) + lam * (np.sum(X ** 2) + np.sum(Y ** 2))

    assert checks.dense_loss(right, r, lam=0.5)
    assert "0-star" in checks.dense_loss(zeros, r, lam=0.5).message
    fb = checks.dense_loss(starter, r, lam=0.5)
    assert not fb and "NaN" in fb.message
    assert "raised ZeroDivisionError" in checks.dense_loss(lambda *a: 1 / 0, r, lam=0.5).message


def test_item_gradient(problem):
    r, X, Y, _, _ = problem
    g = gradients(r, X, Y, 0.5)
    right, data, pen = g["Y"][3], g["Y"][3] - 2 * 0.5 * Y[3], 2 * 0.5 * Y[3]
    assert checks.item_gradient(right, r, X, Y, 0.5, 3)
    for answer, words in [(-right, "sign is flipped"), (-data + pen, "data term has the wrong sign"),
                          (right / 2, "half the gradient"), (data / 2 + pen, "lost its factor 2"),
                          (data, "2 lam y_i is missing"), (data - pen, "+2 lam y_i"),
                          (g["X"][3], "USER number"), (data + 2 * 10.0 * Y[3], "lam = 10"),
                          ([np.nan, 1.0], "Omega_i")]:
        fb = checks.item_gradient(answer, r, X, Y, 0.5, 3)
        assert not fb and words in fb.message, (words, fb)


def test_bias_step_limit():
    assert checks.bias_step_limit(1 / 207, 197, 10.0)
    for answer, words in [(1 / 414, "1 / h"), (1 / 197, "leaves out lambda"), (2 / 207, "lost its factor 2"),
                          (0.00485, "three significant"), (1 / 202, "second derivative 2 lam"), (0.00383, "whole problem")]:
        fb = checks.bias_step_limit(answer, 197, 10.0)
        assert not fb and words in fb.message, (answer, fb)


def test_sgd_update(problem):
    _, X, Y, _, _ = problem
    x, y, lr, lam, mu, r = X[0], Y[0], 0.05, 0.1, 3.0, 5.0
    e = r - (mu + x @ y)
    right = (lr * e, lr * e, x + lr * (e * y - lam * x), y + lr * (e * x - lam * y))
    assert checks.sgd_update(right, r, x, y, 0.0, 0.0, mu, lr, lam)
    x_new = right[2]
    stale = (*right[:3], y + lr * (e * x_new - lam * y))
    assert "NEW x_u" in checks.sgd_update(stale, r, x, y, 0.0, 0.0, mu, lr, lam).message
    doubled = (2 * lr * e, *right[1:])
    assert "twice the step" in checks.sgd_update(doubled, r, x, y, 0.0, 0.0, mu, lr, lam).message
    assert "tuple" in checks.sgd_update(3.0, r, x, y, 0.0, 0.0, mu, lr, lam).message
    halved = (lr * e / 2, lr * e / 2, x + lr / 2 * (e * y - lam * x), y + lr / 2 * (e * x - lam * y))
    assert "not lr / 2" in checks.sgd_update(halved, r, x, y, 0.0, 0.0, mu, lr, lam).message
    swapped = (right[0], right[1], right[3], right[2])
    assert "swapped" in checks.sgd_update(swapped, r, x, y, 0.0, 0.0, mu, lr, lam).message
    no_penalty = (right[0], right[1], x + lr * e * y, right[3])
    assert "lost its penalty" in checks.sgd_update(no_penalty, r, x, y, 0.0, 0.0, mu, lr, lam).message


def test_sgd_update_names_the_missing_part_of_the_error(problem):
    _, X, Y, _, _ = problem
    x, y, b_u, b_i, lr, lam, mu, r = X[1], Y[2], 0.3, -0.4, 0.05, 0.1, 3.5, 5.0

    def update(e):                        # equation (2) with the error e
        return (b_u + lr * (e - lam * b_u), b_i + lr * (e - lam * b_i),
                x + lr * (e * y - lam * x), y + lr * (e * x - lam * y))

    e = r - (mu + b_u + b_i + x @ y)
    assert checks.sgd_update(update(e), r, x, y, b_u, b_i, mu, lr, lam)
    cases = {r - (b_u + b_i + x @ y): "leaves out mu",
             r - (mu + x @ y): "leaves out the biases",
             r - x @ y: "full prediction",
             r - (mu + b_u + b_i): "leaves out x_u . y_i",
             -e: "sign is off"}
    for e_wrong, words in cases.items():
        fb = checks.sgd_update(update(e_wrong), r, x, y, b_u, b_i, mu, lr, lam)
        assert not fb and words in fb.message, (words, fb)
    # junk answers: a Feedback, never an exception
    for junk in ("abc", (1, 2), (1.0, 2.0, "x", y), (np.nan, 0.0, x, y), (1.0, 2.0, x[:1], y), None):
        fb = checks.sgd_update(junk, r, x, y, b_u, b_i, mu, lr, lam)
        assert isinstance(fb, checks.Feedback) and not fb


def test_plain_lambda():
    assert checks.plain_lambda(0.12 * 85, 0.12, 85)
    assert checks.plain_lambda(10.2, 0.12, 85)
    assert "multiply" in checks.plain_lambda(0.12 / 85, 0.12, 85).message
    for answer, words in [(20.4, "twice 10.2"), (5.1, "half of 10.2"), (0.12, "counted n_u times"),
                          (3.0, "set lam_plain")]:
        fb = checks.plain_lambda(answer, 0.12, 85)
        assert not fb and words in fb.message, (answer, fb)
    for junk in ("ten", [1.0, 2.0], np.nan, True, 1 + 2j):
        fb = checks.plain_lambda(junk, 0.12, 85)
        assert isinstance(fb, checks.Feedback) and fb.ok is False
    with pytest.raises(ValueError, match="lam_sgd"):
        checks.plain_lambda(1.0, -0.1, 85)
    with pytest.raises(TypeError, match="n_u"):
        checks.plain_lambda(1.0, 0.12, 8.5)


# exercise 3 of notebook 05 (toy ids): Ana-Alien, Ben-Alien, Ana-Blade Runner, Chloe-Blade Runner,
# Ben-Titanic, Chloe-The Matrix, Ana-The Matrix, Dev-Amelie
USERS, ITEMS = [0, 1, 0, 2, 1, 2, 0, 3], [0, 0, 1, 1, 5, 2, 2, 4]
LEVELS = [1, 2, 2, 3, 3, 4, 5, 1]


def test_batch_levels_accepts_equation_4():
    fb = checks.mf.batch_levels(LEVELS, USERS, ITEMS)
    assert fb and "5 batches" in fb.message
    assert checks.mf.batch_levels(np.array(LEVELS, dtype=float), USERS, ITEMS)
    assert checks.mf.batch_levels(tuple(LEVELS), np.array(USERS), np.array(ITEMS))


def test_batch_levels_diagnoses():
    cases = [([0, 1, 1, 2, 2, 3, 4, 0], "off by one"),
             ([1, 1, 2, 1, 2, 2, 3, 1], "only the previous rating of the USER"),
             ([1, 2, 1, 2, 1, 1, 2, 1], "only the previous rating of the ITEM"),
             ([1, 2, 2, 3, 3, 4, 7, 1], "MAX of the two"),
             ([1, 2, 2, 1, 1, 2, 3, 1], "first batch where it fits"),
             ([1, 2, 2, 3, 3, 4, 4, 1], "ratings 5 and 6 (counting from 0) share their item"),
             ([1, 1, 2, 3, 3, 4, 5, 1], "ratings 0 and 1 (counting from 0) share their item, and rating 1 is in the same batch"),
             ([1, 2, 2, 3, 3, 4, 5, 2], "as EARLY as possible: rating 7"),
             ([1, 2, 2, 3, 3, 5, 6, 1], "rating 5 (counting from 0) can go to level 4"),
             ([1.5] * 8, "whole numbers"),
             ([-1, 2, 2, 3, 3, 4, 5, 1], "levels start at 1"),
             ([1, 2, 3], "shape (8,)"),
             ([1, 2, 2, 3, 3, 4, 5, np.nan], "NaN")]
    for answer, words in cases:
        fb = checks.mf.batch_levels(answer, USERS, ITEMS)
        assert fb.ok is False and words in fb.message, (answer, fb)


def test_batch_levels_junk_and_bad_problems():
    for junk in ("1 2 2 3", {"a": 1}, [[1, 2], [3]], True, [1 + 1j] * 8):
        fb = checks.mf.batch_levels(junk, USERS, ITEMS)
        assert isinstance(fb, checks.Feedback) and fb.ok is False
    assert checks.mf.batch_levels(None, USERS, ITEMS).ok is None
    with pytest.raises(ValueError, match="items"):
        checks.mf.batch_levels(LEVELS, USERS, ITEMS[:-1])
    with pytest.raises(ValueError, match="ids >= 0"):
        checks.mf.batch_levels(LEVELS, [-1] + USERS[1:], ITEMS)
    with pytest.raises(ValueError, match="at least one"):
        checks.mf.batch_levels([], [], [])
    with pytest.raises(TypeError, match="users must hold integers"):
        checks.mf.batch_levels(LEVELS, [0.5] + USERS[1:], ITEMS)


def test_mf_lists_its_checks():
    assert set(checks.mf.__all__) >= {"sgd_update", "plain_lambda", "batch_levels"}
    assert all(callable(getattr(checks.mf, name)) for name in checks.mf.__all__)
