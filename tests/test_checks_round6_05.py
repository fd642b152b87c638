"""Round 6, notebook 05: exercise 05.1's check names a flipped penalty sign (+ lam instead of - lam)."""
import numpy as np
import pytest

from mfedu import checks
from mfedu.checks import Feedback
from mfedu.sgd import sgd_update


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    x, y = rng.normal(0, 0.1, 2), rng.normal(0, 0.1, 2)
    return dict(r_ui=5.0, x_u=x, y_i=y, b_u=0.1, b_i=-0.2, mu=3.33, lr=0.05, lam=0.1)


def _worked(p):
    """The notebook's worked answer: e once, then the four lines of (2) from the old values."""
    e = p["r_ui"] - (p["mu"] + p["b_u"] + p["b_i"] + p["x_u"] @ p["y_i"])
    lr, lam = p["lr"], p["lam"]
    return (p["b_u"] + lr * (e - lam * p["b_u"]), p["b_i"] + lr * (e - lam * p["b_i"]),
            p["x_u"] + lr * (e * p["y_i"] - lam * p["x_u"]), p["y_i"] + lr * (e * p["x_u"] - lam * p["y_i"])), e


def test_worked_answer_passes(problem):
    answer, _ = _worked(problem)
    assert checks.sgd_update(answer, **problem)
    assert checks.sgd_update(sgd_update(**problem), **problem)


def test_flipped_penalty_sign_is_named(problem):
    _, e = _worked(problem)
    lr, lam, p = problem["lr"], problem["lam"], problem
    plus = (p["b_u"] + lr * (e + lam * p["b_u"]), p["b_i"] + lr * (e + lam * p["b_i"]),
            p["x_u"] + lr * (e * p["y_i"] + lam * p["x_u"]), p["y_i"] + lr * (e * p["x_u"] + lam * p["y_i"]))
    fb = checks.sgd_update(plus, **problem)
    assert fb.ok is False and "penalty's sign" in fb.message


def test_flipped_penalty_on_the_factors_only_is_named(problem):
    right, e = _worked(problem)
    p, lr, lam = problem, problem["lr"], problem["lam"]
    answer = (right[0], right[1], p["x_u"] + lr * (e * p["y_i"] + lam * p["x_u"]), right[3])
    fb = checks.sgd_update(answer, **problem)
    assert fb.ok is False and "penalty's sign" in fb.message


def test_zero_biases_and_no_penalty_do_not_misfire(problem):
    p = {**problem, "b_u": 0.0, "b_i": 0.0}
    answer, _ = _worked(p)
    assert checks.sgd_update(answer, **p)
    q = {**problem, "lam": 0.0}
    answer, _ = _worked(q)
    assert checks.sgd_update(answer, **q)


def test_not_attempted_and_junk(problem):
    assert checks.sgd_update(None, **problem).ok is None
    for junk in ("abc", (1, 2), (None, None, None, None), ("a", 0.0, [0, 0], [0, 0])):
        fb = checks.sgd_update(junk, **problem)
        assert isinstance(fb, Feedback) and fb.ok is False


def test_earlier_diagnoses_still_win(problem):
    right, e = _worked(problem)
    p = problem
    stale = (right[0], right[1], right[2], p["y_i"] + p["lr"] * (e * right[2] - p["lam"] * p["y_i"]))
    assert "NEW x_u" in checks.sgd_update(stale, **problem).message
    sign = tuple(2 * old - new for old, new in zip((p["b_u"], p["b_i"], p["x_u"], p["y_i"]), right))
    assert "sign is off" in checks.sgd_update(sign, **problem).message


# round 8: exercise 05.3's Correct message gives the chain that forces 5 batches
USERS, ITEMS, LEVELS = [0, 1, 0, 2, 1, 2, 0, 3], [0, 0, 1, 1, 5, 2, 2, 4], [1, 2, 2, 3, 3, 4, 5, 1]


def test_batch_levels_correct_message_names_the_chain():
    from mfedu.data import toy
    t = toy()
    fb = checks.batch_levels(LEVELS, USERS, ITEMS, t.user_labels, t.item_labels)
    assert fb.ok is True and ("Ana–Alien -> Ana–Blade Runner -> Chloe–Blade Runner -> Chloe–The Matrix"
                              " -> Ana–The Matrix") in fb.message and "5 different batches" in fb.message
    fb = checks.batch_levels(LEVELS, USERS, ITEMS)                 # without labels: rating indices
    assert fb.ok is True and "rating 0 -> rating 2 -> rating 3 -> rating 5 -> rating 6" in fb.message


def test_batch_levels_labels_do_not_change_the_diagnoses():
    from mfedu.data import toy
    t = toy()
    assert checks.batch_levels(None, USERS, ITEMS, t.user_labels, t.item_labels).ok is None
    fb = checks.batch_levels([0, 1, 1, 2, 2, 3, 4, 0], USERS, ITEMS, t.user_labels, t.item_labels)
    assert fb.ok is False and "off by one" in fb.message
    for junk in ("abc", [1, 2], [[1]] * 8):
        assert isinstance(checks.batch_levels(junk, USERS, ITEMS, t.user_labels, t.item_labels), Feedback)


def test_batch_levels_bad_labels_raise():
    with pytest.raises(ValueError, match="user_labels"):
        checks.batch_levels(None, USERS, ITEMS, ["Ana"], None)
    with pytest.raises(ValueError, match="item_labels"):
        checks.batch_levels(None, USERS, ITEMS, None, "abcdef")
