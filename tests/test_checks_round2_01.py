"""Round-2 changes to notebook 01's checks: the eckart_young hint names no matrix, since the
exercise is about the photograph G, not B."""
import numpy as np

from mfedu import checks


def test_eckart_young_relative_hint_names_no_matrix():
    s = np.array([5.0, 3.0, 2.0, 1.0])                   # as in tests/test_checks.py
    want = np.sqrt(5.0)
    fb = checks.eckart_young(want / np.sqrt(39.0), s, 2)
    assert not fb.ok
    assert "RELATIVE" in fb.message and "do not divide" in fb.message
    assert "B_k" not in fb.message and "||B" not in fb.message


def test_eckart_young_worked_answer_for_the_photo_passes():
    rng = np.random.default_rng(0)
    s_img = np.sort(rng.uniform(0, 10, size=50))[::-1]
    answer = np.sqrt(np.sum(s_img[10:] ** 2))           # the worked answer of exercise 01.3
    assert checks.eckart_young(answer, s_img, 10).ok
    assert checks.eckart_young(None, s_img, 10).ok is None          # not attempted
    assert checks.eckart_young("junk", s_img, 10).ok is False       # a Feedback, no exception
