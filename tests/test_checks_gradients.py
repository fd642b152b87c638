"""Self-checks of notebook 04's conceptual exercises (mfedu.checks.gradients): the worked answer
passes, each recognised mistake gets its own message, None is "not attempted", junk answers get
a Feedback (never an exception), bad problem arguments raise naming the argument; and the rule
the exercise teaches (the factor 1 - eta h per step) is checked against gradient descent itself."""
import numpy as np
import pytest

from mfedu import checks
from mfedu.checks import Feedback

from checkutil import verdict      # tests/checkutil.py

ETAS = [2e-3, 3.5e-3, 5e-3, 7e-3, 8e-3]       # exercise 04.3: an item with 120 ratings, lam = 10
N_I, LAM = 120, 10.0
WORKED = ["monotone", "monotone", "zigzag", "zigzag", "diverge"]


def run(answer, etas=ETAS, n_ratings=N_I, lam=LAM):
    return checks.step_regimes(answer, etas, n_ratings, lam)


def test_worked_answer_and_synonyms_pass():
    verdict(run(WORKED), True, "h = 2 (n_i + lam) = 260", "+0.48", "-1.08")
    verdict(run(("Monotonic", "slides", "zig-zag", "Oscillates", "blows up")), True)
    verdict(run(np.array(WORKED)), True)


def test_not_attempted():
    verdict(run(None), None, "replace None")


@pytest.mark.parametrize("answer, words", [
    (["monotone", "monotone", "monotone", "monotone", "zigzag"], ["factor 2", "square"]),    # h = n + lam
    (["monotone", "monotone", "zigzag", "zigzag", "zigzag"], ["2 lam", "not 2 n_i = 240"]),  # h = 2 n
    (["monotone"] * 5, ["keep both"]),                                                       # h = n
    (["zigzag", "zigzag", "diverge", "diverge", "diverge"], ["counts the 2 twice"]),         # h = 4 (n + lam)
    (["monotone", "monotone", "diverge", "diverge", "diverge"], ["lands closer", "only above 2/h"]),
    (["zigzag", "zigzag", "monotone", "monotone", "diverge"], ["swapped"]),
])
def test_each_mistake_is_named(answer, words):
    verdict(run(answer), False, *words)


def test_an_unrecognised_answer_names_the_first_wrong_rate():
    fb = run(["monotone", "zigzag", "zigzag", "zigzag", "diverge"])
    verdict(fb, False, "1 of 5", "eta = 0.0035", "+0.090")


@pytest.mark.parametrize("answer, words", [
    ("monotone", ["single str"]),
    ({2e-3: "monotone"}, ["not a dict"]),
    (42, ["a list of 5 words", "int"]),
    (WORKED[:4], ["5 words, got 4"]),
    (["monotone", 1, "zigzag", "zigzag", "diverge"], ["(a str)", "eta = 0.0035"]),
    (["monotone", "monotone", "converges", "zigzag", "diverge"], ["ambiguous"]),
    (["monotone", "monotone", "wobble", "zigzag", "diverge"], ["'wobble'", "not one of the three"]),
    ([None] * 5, ["(a str)"]),
    ([[1, 2], "a", "b", "c", "d"], ["(a str)"]),
])
def test_junk_answers_get_feedback(answer, words):
    fb = run(answer)
    assert isinstance(fb, Feedback)
    verdict(fb, False, *words)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(etas=[]), ValueError, "etas"),
    (dict(etas=[1e-3, -1e-3]), ValueError, "etas"),
    (dict(etas="0.001"), TypeError, "etas"),
    (dict(etas=[np.nan]), ValueError, "etas"),
    (dict(n_ratings=1.5), TypeError, "n_ratings"),
    (dict(n_ratings=-1), ValueError, "n_ratings"),
    (dict(lam=-1.0), ValueError, "lam"),
    (dict(n_ratings=0, lam=0.0), ValueError, "n_ratings + lam"),
    (dict(etas=[1 / 260]), ValueError, "avoid 1/h"),
    (dict(etas=[2 / 260]), ValueError, "avoid 1/h"),
])
def test_bad_problem_arguments_raise(kwargs, error, words):
    args = dict(etas=ETAS, n_ratings=N_I, lam=LAM) | kwargs
    with pytest.raises(error, match=words.replace("+", r"\+").replace("/", "/")):
        checks.step_regimes(None, **args)


def test_the_rule_matches_gradient_descent_on_one_bias():
    """Run GD on b alone, L(b) = sum_j (r_j - b)^2 + lam b^2 with n ratings: the regimes the check
    expects are what the iterates do (monotone: never cross the minimum; zigzag: cross every
    step and shrink; diverge: grow)."""
    r = np.random.default_rng(0).normal(3.5, 1.0, size=N_I)
    b_star = r.sum() / (N_I + LAM)
    for eta, regime in zip(ETAS, WORKED):
        b, gaps = 0.0, []
        for _ in range(12):
            b -= eta * (-2 * np.sum(r - b) + 2 * LAM * b)       # equation (5) for one bias
            gaps.append(b - b_star)
        gaps = np.array(gaps)
        crosses = np.all(np.sign(gaps[1:]) != np.sign(gaps[:-1]))
        grows = abs(gaps[-1]) > abs(gaps[0])
        seen = "diverge" if grows else ("zigzag" if crosses else "monotone")
        assert seen == regime, (eta, seen, regime)


def test_one_slip_that_also_fits_a_mistake_names_the_slip_too():
    # 8e-3 called "zigzag": the pattern of h = 2 n_i, but also one misjudged rate (8e-3 > 2/h)
    verdict(run(["monotone", "monotone", "zigzag", "zigzag", "zigzag"]), False,
            "not 2 n_i = 240", "eta = 0.008", "-1.080", "\"diverge\"", "2/h = 0.00769")
    # a pattern off in several rates names only the mistake
    fb = run(["monotone"] * 5)
    verdict(fb, False, "keep both")
    assert "if your h was right" not in fb.message


@pytest.mark.parametrize("answer, words", [
    (1 / 195, ["2 (n_u + lam)", "0.00513"]),                  # the worked answer passes
    (0.005, ["close", "three significant figures"]),          # rounded to one figure: not "below the limit"
    (0.0051, ["close", "three significant figures"]),
    (0.0045, ["below the one-bias limit"]),
    (1 / 390, ["1 / h"]),
    (1 / 210, ["busiest ITEM"]),
])
def test_bias_step_limit_rounding_and_mistakes(answer, words):
    fb = checks.bias_step_limit(answer, n_u=185, lam=10.0, n_i=200)
    verdict(fb, answer == 1 / 195, *words)
