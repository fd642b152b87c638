"""The self-checks of notebook 00 and appendix A1 (mfedu.checks.start): not attempted, the worked
answers, each mistake the checks promise to recognise, junk answers, and bad problem arguments."""
import numpy as np
import pytest
from scipy.special import ndtr

from mfedu import checks
from mfedu.checks import Feedback
from mfedu.synthetic import make_synthetic

from checkutil import verdict      # tests/checkutil.py

TRUTH = make_synthetic(seed=0).truth
T, SIGMA, S = TRUTH.thresholds, TRUTH.sigma, 2.8          # notebook 00, exercise 2
WORKED = 1 + ndtr((S - T) / SIGMA).sum()                    # 2.333 stars


def stars(answer, score=S, thresholds=T, sigma=SIGMA):
    return checks.expected_stars(answer, score, thresholds, sigma)


def test_exported():
    for name in ("expected_stars", "oracle_bound", "weight_decay_lambda"):
        assert name in checks.start.__all__ and getattr(checks, name) is getattr(checks.start, name)


# ----------------------------------------------------------------------------- expected_stars

def test_expected_stars_worked_answer():
    verdict(stars(None), None, "replace None")
    verdict(stars(WORKED), True, "2.333", "(2)", "(3)")     # names the star of s* and the mode
    verdict(stars(round(WORKED, 3)), True)
    verdict(stars(round(WORKED, 2)), True)                   # two decimals are enough
    verdict(stars(np.float32(WORKED)), True)
    verdict(stars(np.array(WORKED)), True)


def test_expected_stars_each_diagnosed_mistake():
    verdict(stars(WORKED - 1), False, "left out the 1")
    verdict(stars(1 + ndtr((T - S) / SIGMA).sum()), False, "BELOW")
    verdict(stars(1 + ndtr(S - T).sum()), False, "divide by sigma", "STANDARD")
    verdict(stars(1 + ndtr((S - T) / SIGMA ** 2).sum()), False, "not by the variance")
    verdict(stars(2), False, "where s* itself falls", "no noise")          # 1 + #{t_j < 2.8}
    verdict(stars(3.0), False, "most likely star", "mode")                 # argmax of the chances
    verdict(stars(2.8), False, "opinion scale")
    verdict(stars(ndtr((S - T) / SIGMA)), False, "passing each cut point", "1 plus their sum")
    verdict(stars(-np.diff(np.r_[1.0, ndtr((S - T) / SIGMA), 0.0])), False, "chances of each star")
    verdict(stars(7.0), False, "between 1 and 5")
    verdict(stars(2.5), False, "eq. (3)")


def test_expected_stars_rounded_and_coinciding_whole_stars():
    # s* = 4.6: the star of s* is 4, the mode 5, the mean 4.30, which rounds to 4 = the star of s*
    want = 1 + ndtr((4.6 - T) / SIGMA).sum()
    verdict(stars(want, score=4.6), True)
    verdict(stars(4, score=4.6), False, "where s* itself falls")
    verdict(stars(5, score=4.6), False, "mode")
    # s* = 3.3: star of s*, mode and rounded mean are all 3
    verdict(stars(3, score=3.3), False, "most likely star", "mean")
    # rounding alone: uneven cut points where the rounded mean (3) is neither the star of s* (4)
    # nor the most likely star (4)
    t = np.array([0.0, 0.1, 0.2, 5.0])
    want = 1 + ndtr((0.3 - t) / 1.0).sum()
    assert round(want) == 3
    verdict(stars(want, score=0.3, thresholds=t, sigma=1.0), True)
    verdict(stars(3, score=0.3, thresholds=t, sigma=1.0), False, "you rounded")


@pytest.mark.parametrize("junk", ["2.3", [2.3, 2.4], {1: 2}, True, 1j, np.nan, np.inf, -1e308,
                                  object(), [[1], [2, 3]], np.zeros((2, 2)), 10**400, ()])
def test_expected_stars_junk_answers_get_feedback(junk):
    fb = stars(junk)
    assert isinstance(fb, Feedback) and fb.ok is False and fb.message


@pytest.mark.parametrize("score, thresholds, sigma, error, words", [
    ("2.8", T, SIGMA, TypeError, "score must be a real number"),
    (np.nan, T, SIGMA, ValueError, "score must be finite"),
    (S, [], SIGMA, ValueError, "thresholds must hold at least one"),
    (S, [3.0, 2.0], SIGMA, ValueError, "thresholds must be strictly increasing"),
    (S, [2.0, 2.0], SIGMA, ValueError, "thresholds must be strictly increasing"),
    (S, "2, 3", SIGMA, TypeError, "thresholds must be a 1-D array"),
    (S, T, 0.0, ValueError, "sigma must be > 0"),
    (S, T, -1.0, ValueError, "sigma must be > 0"),
    (S, T, "0.8", TypeError, "sigma must be a real number"),
])
def test_expected_stars_bad_problem_arguments_raise_naming_them(score, thresholds, sigma, error, words):
    with pytest.raises(error, match=words):
        checks.expected_stars(WORKED, score, thresholds, sigma)


# ----------------------------------------------------------------------------- oracle_bound

def test_oracle_bound_right_letter_in_any_spelling():
    verdict(checks.oracle_bound(None), None, "replace None")
    for spelling in ("e", "E", " e ", "(e)", "e)", "e."):
        verdict(checks.oracle_bound(spelling), True, "seen that set's noise")


@pytest.mark.parametrize("letter, words", [
    ("a", ("all there is",)), ("b", ("TRAINING ratings", "RAISES")), ("c", ("rounded oracle scores worse",)),
    ("d", ("SAME test set", "0.0025")),
])
def test_oracle_bound_each_wrong_letter_says_why(letter, words):
    verdict(checks.oracle_bound(letter), False, *words)


def test_oracle_bound_more_than_one_letter_and_junk():
    verdict(checks.oracle_bound("d, e"), False, "ONE")
    verdict(checks.oracle_bound("de"), False, "ONE")
    verdict(checks.oracle_bound("f"), False, "one of the letters")
    verdict(checks.oracle_bound(""), False, "one of the letters")
    for junk in (5, ["e"], True, object(), b"e", 1.0):
        verdict(checks.oracle_bound(junk), False, "as a str")


# ----------------------------------------------------------------------------- weight_decay_lambda

def wd(answer, weight_decay=1e-4, n_ratings=80_000, **kwargs):
    return checks.weight_decay_lambda(answer, weight_decay, n_ratings, **kwargs)


def test_weight_decay_lambda_worked_answers():
    verdict(wd(None), None, "replace None")
    verdict(wd(4.0), True, "lambda = 4", "(w_d / 2)")                     # A1's exercise
    verdict(wd(80_000 * 1e-4 / 2), True)
    verdict(wd(0.9, 1e-5, 90_000, half=True), True, "2 |Omega|")           # D2L's numbers, A1's text


def test_weight_decay_lambda_each_diagnosed_mistake():
    verdict(wd(8.0), False, "halve")
    verdict(wd(0.45, 1e-5, 90_000, half=True), False, "HALF a mean", "2 |Omega|")
    for forgot in (1e-4, 5e-5, 2e-4):
        verdict(wd(forgot), False, "|Omega| is missing")
    for divided in (1e-4 / 80_000, 1e-4 / 160_000):
        verdict(wd(divided), False, "divided by |Omega|")
    verdict(wd(1.8, 1e-5, 90_000, half=True), False, "factor 2 too many")
    verdict(wd(16.0), False, "multiply it by the constant")


@pytest.mark.parametrize("junk", ["4", [4.0, 4.0], {1: 2}, True, 1j, np.nan, np.inf, object(),
                                  [[1], [2, 3]], 10**400])
def test_weight_decay_lambda_junk_answers_get_feedback(junk):
    fb = wd(junk)
    assert isinstance(fb, Feedback) and fb.ok is False and fb.message


@pytest.mark.parametrize("args, kwargs, error, words", [
    ((0.0, 80_000), {}, ValueError, "weight_decay must be > 0"),
    (("1e-4", 80_000), {}, TypeError, "weight_decay must be a real number"),
    ((1e-4, 0), {}, ValueError, "n_ratings must be"),
    ((1e-4, 2.5), {}, TypeError, "n_ratings must be"),
    ((1e-4, 80_000), {"half": "yes"}, TypeError, "half must be"),
])
def test_weight_decay_lambda_bad_problem_arguments_raise_naming_them(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        checks.weight_decay_lambda(4.0, *args, **kwargs)
