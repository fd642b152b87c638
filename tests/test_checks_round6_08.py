"""Round 6, notebook 08: the exercise-3 feedback for 0 agrees with section 5 of the notebook.

Section 5 measures that random unit starts give x_u . y_i of 0.19 stars on average (only each
rating's own term survives the first item half-step); the feedback for the answer 0 must say
that, not that random vectors give 0 on average.
"""
import numpy as np

from mfedu import checks
from mfedu.synthetic import make_synthetic

from checkutil import verdict      # tests/checkutil.py

SYN = make_synthetic(seed=3, n_users=60, n_items=80, n_ratings=1500).explicit
ITEM = 7


def test_zero_answer_matches_section_5():
    for zero in (0, 0.0, -0.0, np.float32(0), np.array([0.0]), 1e-9):
        fb = checks.identical_start(zero, SYN, ITEM, 0.12)
        verdict(fb, False, "nearly do", "own term survives", "0.19 on average", "does not cancel")
        assert "0 is what random unit vectors give" not in fb.message


def test_small_but_not_zero_is_not_the_zero_message():
    mean = SYN.values[SYN.items == ITEM].mean()
    fb = checks.identical_start(0.19, SYN, ITEM, 0.12)          # section 5's random-start number
    verdict(fb, False, "Try y_i = c e")
    verdict(checks.identical_start(mean / 1.12, SYN, ITEM, 0.12), True, "rank 1 forever")
