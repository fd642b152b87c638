"""Markdown cells hold LaTeX as a reader should see it: no backslash doubled in front of a command
(``\\\\cdot`` renders as a line break and the word "cdot") and no leftover regular-expression
group reference (``\\1``) from a scripted edit. A doubled backslash before a space or a newline, a
matrix's row separator, is fine."""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BROKEN = re.compile(r"\\\\[A-Za-z]|\\[1-9]")


def broken_spots(text: str) -> list[str]:
    return [text[max(0, m.start() - 30):m.end() + 20] for m in BROKEN.finditer(text)]


def test_the_pattern_finds_what_it_should():
    assert broken_spots(r"a $x_u \\cdot y_i$ b") and broken_spots(r"weights \1): more")
    assert not broken_spots(r"$\begin{pmatrix} a \\ b \end{pmatrix}$ and $x_u \cdot y_i$, rows \\" + "\n")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_doubled_backslash_or_group_reference(path):
    nb = nbformat.read(path, as_version=4)
    bad = [(k, spot) for k, c in enumerate(nb.cells) if c.cell_type == "markdown" for spot in broken_spots(c.source)]
    assert not bad, f"{path.name}: markdown cell(s) with a doubled backslash or a \\1-style leftover: {bad}"
