"""Round 8 (notebook 04): the two check messages a student review found wrong.

bias_step_limit (exercise 04.2) called 0.00476 = 1 / (200 + 10), the busiest ITEM's one-bias limit,
"the limit for the whole problem"; step_regimes (exercise 04.3) answered a synonym such as "slide"
with a diagnosis that did not say how the word had been read."""
import pytest

from mfedu import checks
from mfedu.checks import Feedback

from checkutil import verdict      # tests/checkutil.py

ETAS = [2e-3, 3.5e-3, 5e-3, 7e-3, 8e-3]


def test_bias_step_limit_is_notebook_04s_version():
    assert checks.bias_step_limit.__module__ == "mfedu.checks.gradients"


def test_bias_step_limit_worked_answer_and_not_attempted():
    verdict(checks.bias_step_limit(1 / 195, n_u=185, lam=10.0, n_i=200), True, "0.00513")
    verdict(checks.bias_step_limit(1 / 195, n_u=185, lam=10.0), True)
    verdict(checks.bias_step_limit(None, n_u=185, lam=10.0, n_i=200), None, "replace None")


@pytest.mark.parametrize("answer", [0.00476, 1 / 210, 0.004762])
def test_the_busiest_items_limit_is_named_as_such(answer):
    fb = checks.bias_step_limit(answer, n_u=185, lam=10.0, n_i=200)
    verdict(fb, False, "busiest ITEM", "n_i = 200", "n_u = 185")
    assert "whole problem" not in fb.message


@pytest.mark.parametrize("answer", [0.004703, 0.00464, 0.00476])
def test_other_lower_limits_are_not_called_the_item_limit_without_n_i(answer):
    fb = checks.bias_step_limit(answer, n_u=185, lam=10.0)
    verdict(fb, False, "below the one-bias limit", "section 5")
    assert "busiest ITEM's bias" not in fb.message


@pytest.mark.parametrize("answer, words", [
    (1 / 390, ["1 / h"]), (1 / 185, ["leaves out lambda"]), (2 / 195, ["lost its factor 2"]),
    (0.0051, ["three significant"]), ("abc", ["number"]), ([1e-3, 2e-3], []),
])
def test_bias_step_limit_other_mistakes_and_junk(answer, words):
    fb = checks.bias_step_limit(answer, n_u=185, lam=10.0, n_i=200)
    assert isinstance(fb, Feedback)
    verdict(fb, False, *words)
    if answer == 0.0051:
        assert "0.00513" not in fb.message         # the hint asks for digits, it does not give them


@pytest.mark.parametrize("kwargs, error", [(dict(n_i=0), ValueError), (dict(n_i=200.0), TypeError)])
def test_bias_step_limit_bad_n_i_raises(kwargs, error):
    with pytest.raises(error, match="n_i"):
        checks.bias_step_limit(None, n_u=185, lam=10.0, **kwargs)


def test_a_synonym_is_read_back_before_the_diagnosis():
    fb = checks.step_regimes(["slide"] * 5, ETAS, n_ratings=120, lam=10.0)
    verdict(fb, False, "reading your words as monotone, monotone", "keep both")
    fb = checks.step_regimes(["monotone", "monotone", "oscillate", "zigzag", "zigzag"], ETAS, 120, 10.0)
    verdict(fb, False, "reading your words as monotone, monotone, zigzag", "not 2 n_i = 240")


def test_the_three_words_are_not_read_back():
    fb = checks.step_regimes(["monotone"] * 5, ETAS, n_ratings=120, lam=10.0)
    verdict(fb, False, "keep both")
    assert "reading your words" not in fb.message


@pytest.mark.parametrize("word", ["slde", "monotne", "zig zag zig", "sliding down"])
def test_an_invalid_word_is_named_not_diagnosed(word):
    fb = checks.step_regimes([word] * 5, ETAS, n_ratings=120, lam=10.0)
    verdict(fb, False, "not one of the three")
