"""Reading time of a notebook, as the collection estimates it: markdown words at 130 a minute
plus 6 seconds per non-blank line of code. A notebook is one sitting (at most 50 minutes by this
estimate), and the time it states in its first cell ("**Reading time:** about N minutes") and
the README's map state is honest: at least 0.75 times the estimate.

    python tests/reading_time.py notebooks/*.ipynb     # a table: words, code lines, estimate, stated
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

WORDS_PER_MINUTE = 130
SECONDS_PER_CODE_LINE = 6
MAX_MINUTES = 50
HONEST = 0.75                       # a stated time must be at least this fraction of the estimate
STATED = re.compile(r"\*\*Reading time:\*\*\s*about\s+(\d+)\s+minutes")


def measure(path: str | Path) -> dict:
    """words, code_lines, minutes (the estimate) and stated (None if the first cell states none)."""
    nb = nbformat.read(Path(path), as_version=4)
    words = sum(len(c.source.split()) for c in nb.cells if c.cell_type == "markdown")
    lines = sum(1 for c in nb.cells if c.cell_type == "code"
                for line in c.source.splitlines() if line.strip())
    minutes = words / WORDS_PER_MINUTE + lines * SECONDS_PER_CODE_LINE / 60
    first = nb.cells[0].source if nb.cells else ""
    match = STATED.search(first)
    return {"words": words, "code_lines": lines, "minutes": minutes,
            "stated": int(match.group(1)) if match else None}


if __name__ == "__main__":
    print(f"{'notebook':44} {'words':>6} {'code':>5} {'estimate':>9} {'stated':>7}  ok?")
    for arg in sys.argv[1:]:
        m = measure(arg)
        ok = (m["minutes"] <= MAX_MINUTES and m["stated"] is not None
              and m["stated"] >= HONEST * m["minutes"])
        print(f"{Path(arg).name:44} {m['words']:6} {m['code_lines']:5} {m['minutes']:8.1f}m "
              f"{m['stated'] if m['stated'] is not None else '-':>6}m  {'yes' if ok else 'NO'}")
