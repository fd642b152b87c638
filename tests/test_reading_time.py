"""One sitting per notebook, and honest reading times (tests/reading_time.py has the rule):
every notebook's estimate is at most 50 minutes, the time its first cell states is at least 0.75
times the estimate, the README's map states the same time, and 00 is a start page of at most
1,500 words."""
import re
from pathlib import Path

import pytest

from reading_time import HONEST, MAX_MINUTES, measure

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_sitting_and_an_honest_time(path):
    m = measure(path)
    assert m["minutes"] <= MAX_MINUTES, (
        f"{path.name}: {m['words']} words and {m['code_lines']} code lines make "
        f"{m['minutes']:.1f} minutes; split it or move reference material to an appendix")
    assert m["stated"] is not None, f"{path.name}: the first cell states no '**Reading time:** about N minutes'"
    assert m["stated"] >= HONEST * m["minutes"], (
        f"{path.name} states {m['stated']} minutes, but the estimate is {m['minutes']:.1f}")
    row = re.search(rf"\]\(notebooks/{re.escape(path.name)}\).*\|\s*(\d+) min\s*\|", README)
    assert row, f"README's map has no row linking notebooks/{path.name} with its reading time"
    assert int(row.group(1)) == m["stated"], (
        f"README says {row.group(1)} min for {path.name}, the notebook says {m['stated']}")


def test_the_start_page_is_short():
    assert measure(ROOT / "notebooks" / "00_start_here.ipynb")["words"] <= 1500


def test_the_start_pages_map_states_each_notebooks_own_time():
    import nbformat
    start = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    the_map = next(c.source for c in start.cells if c.cell_type == "markdown" and "## The map" in c.source)
    listed = {name: int(minutes) for name, minutes in
              re.findall(r"\]\(([\w-]+\.ipynb)\)[^\n]*?(\d+)[,.]?\s*$", the_map, flags=re.MULTILINE)}
    assert set(listed) == {p.name for p in NOTEBOOKS} - {"00_start_here.ipynb"}, "00's map must list every notebook"
    for name, minutes in listed.items():
        assert minutes == measure(ROOT / "notebooks" / name)["stated"], f"00's map gives {name} {minutes} min"
