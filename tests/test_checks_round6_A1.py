"""Round-6 changes to appendix A1 and its self-check (mfedu.checks.start): exercise 1(c), a lazy
(sparse) weight decay with mini-batches turned into a plain lambda for one user, and the notation
table's coverage of notebook 00's symbols."""
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import mfedu.checks  # noqa: F401  (the cell calls mfedu.checks...)
from mfedu import checks

from checkutil import verdict      # tests/checkutil.py

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ARGS = dict(weight_decay=1e-4, n_ratings=80_000, batch_size=128, n_u=57)
WORKED = 128 * 1e-4 / 2 * 57       # weighted lambda |D| w_d / 2 = 0.0064, acting like 0.0064 n_u plain


def _cells(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4).cells


def test_worked_answer_and_the_collision_corrected_one_pass():
    verdict(checks.weight_decay_lambda(WORKED, **ARGS), True, "0.3648", "WEIGHTED", "0.0064", "625 steps")
    # counting the batches that hold the row (1 - (1 - n_u/|Omega|)^|D| of the 625 steps) is also right
    batches = 625 * (1 - (1 - 57 / 80_000) ** 128)
    verdict(checks.weight_decay_lambda(128 * 1e-4 / 2 * batches, **ARGS), True)
    verdict(checks.weight_decay_lambda(128 * 1e-4 * 57, **ARGS, half=True), True, "|D| w_d (the")


def test_each_mistake_gets_its_message():
    fb = lambda a, **kw: checks.weight_decay_lambda(a, **{**ARGS, **kw})
    verdict(fb(None), None, "replace None")
    verdict(fb(0.0064), False, "WEIGHTED lambda", "lambda n_u")
    verdict(fb(2 * WORKED), False, "factor 2", "halve")
    verdict(fb(WORKED, half=True), False, "factor 2", "HALF a mean")
    verdict(fb(0.0128), False, "two slips")
    verdict(fb(4.0), False, "DENSE", "57 times an epoch, not 625")
    verdict(fb(8.0), False, "DENSE")
    verdict(fb(1e-4 * 57 / 2), False, "|D| is missing")
    verdict(fb(1e-4 * 57), False, "|D| is missing")
    verdict(fb(1.0), False, "follow the lazy bullet")


def test_rounded_mistakes_keep_their_message():
    """Round 7: the known mistakes are matched within the same 6 % as the right answer, so a slip
    rounded to two digits (0.73 for 0.7296) still gets its own message, not the generic one."""
    fb = lambda a, **kw: checks.weight_decay_lambda(a, **{**ARGS, **kw})
    verdict(fb(0.73), False, "factor 2", "halve")
    verdict(fb(0.36, half=True), False, "factor 2", "HALF a mean")
    verdict(fb(0.0065), False, "WEIGHTED lambda")
    verdict(fb(0.013), False, "two slips")
    verdict(fb(4.1), False, "DENSE")
    verdict(fb(0.0057), False, "|D| is missing")
    verdict(fb(0.36), True)
    verdict(fb(0.34), False, "follow the lazy bullet")      # 7 % below 0.3648: outside the tolerance


def test_exercise_cells_say_your_code_here():
    """The not-attempted message says "replace None with your code": the cells say "your code here"."""
    cells = [c.source for c in _cells("A1_notation_and_conventions.ipynb")
             if c.cell_type == "code" and "weight_decay_lambda(answer" in c.source]
    assert len(cells) == 3 and all("answer = None  # your code here" in c for c in cells), cells


@pytest.mark.parametrize("junk", ["0.36", [0.36, 0.36], np.nan, np.inf, object(), True, 1 + 2j])
def test_junk_answers_return_feedback(junk):
    fb = checks.weight_decay_lambda(junk, **ARGS)
    assert fb.ok is False and fb.message


@pytest.mark.parametrize("bad, error", [(dict(weight_decay=0.0), ValueError), (dict(weight_decay="1e-4"), TypeError),
                                        (dict(batch_size=0), ValueError), (dict(batch_size=100_000), ValueError),
                                        (dict(n_u=1.5), TypeError), (dict(n_u=0), ValueError),
                                        (dict(half=1), TypeError)])
def test_bad_problem_arguments_raise_naming_them(bad, error):
    with pytest.raises(error, match=f"^{next(iter(bad))}"):
        checks.weight_decay_lambda(0.36, **{**ARGS, **bad})
    with pytest.raises(ValueError, match="^batch_size and n_u"):
        checks.weight_decay_lambda(4.0, weight_decay=1e-4, n_ratings=80_000, batch_size=128)


def test_parts_a_and_b_are_unchanged():
    verdict(checks.weight_decay_lambda(4.0, weight_decay=1e-4, n_ratings=80_000), True, "lambda = 4")
    verdict(checks.weight_decay_lambda(8.0, weight_decay=1e-4, n_ratings=80_000, half=True), True, "lambda = 8")


def test_notebook_A1_part_c_cell_as_written():
    """Part (c)'s cell: a comment line, `answer = None`, then the check (it starts with a comment so
    that the round-2 test, which expects exactly two cells starting `answer = None`, still holds)."""
    (cell,) = [c.source for c in _cells("A1_notation_and_conventions.ipynb")
               if c.cell_type == "code" and "batch_size=128" in c.source]
    comment, first, *call = cell.strip().splitlines()
    call = " ".join(line.strip() for line in call)
    assert comment.startswith("#") and first.startswith("answer = None") and "n_u=57" in call
    for answer, ok in ((None, None), (WORKED, True), (4.0, False)):
        fb = eval(call, {"mfedu": mfedu, "answer": answer})
        assert fb.ok is ok, fb


def test_A1_defines_the_symbols_of_notebook_00():
    a1 = "\n".join(c.source for c in _cells("A1_notation_and_conventions.ipynb") if c.cell_type == "markdown")
    nb00 = "\n".join(c.source for c in _cells("00_start_here.ipynb") if c.cell_type == "markdown")
    for symbol in (r"\text{pop}_i", r"\bar s", r"\xi_{ui}", r"\text{rate}_{ui}", "w_{ui}", "z_{ui}", r"\varepsilon_{ui}",
                   "t_1", r"\Phi", "s^*_{ui}", r"\mathbb E", r"\operatorname{Var}", r"\#\{", "top-$k$"):
        assert symbol.replace(" ", "") in nb00.replace(" ", "").replace("top-k", "top-$k$"), symbol
        assert symbol.replace(" ", "") in a1.replace(" ", ""), symbol
    table = a1[a1.index("| letter |"):a1.index("If you read on")]
    rows = [line for line in table.splitlines()[2:] if line.startswith("|")]
    # every borrowed letter names the notebook where each meaning first appears
    assert len(rows) >= 15 and all(re.search(r"\| (0\d|A\d)[ :']", row) for row in rows), rows
    assert "not for the first visit" in a1[a1.index("**Borrowed letters.**"):a1.index("| letter |")]


def test_generic_hint_names_the_loss_of_its_part():
    """Round 9: the fallback hint of part (a) no longer mentions half a mean (part (b)'s loss)."""
    a = checks.weight_decay_lambda(1.0, weight_decay=1e-4, n_ratings=80_000)
    b = checks.weight_decay_lambda(1.0, weight_decay=1e-4, n_ratings=80_000, half=True)
    verdict(a, False, "mean e^2 + (w_d / 2)", "multiply it by the constant")
    verdict(b, False, "(1/2) mean e^2 + (w_d / 2)", "multiply it by the constant")
    assert "half" not in a.message and "(1/2)" not in a.message
