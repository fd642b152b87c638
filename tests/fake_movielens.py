"""A stand-in for MovieLens-100K, for testing the notebooks' real-data switch offline.

MovieLens cannot be downloaded on the test machines, so this writes a folder in its layout
(``<home>/ml-100k/u.data`` and ``u.item``) from the synthetic generator with another seed:
943 users, 1682 films, 100,000 ratings of 1-5 stars, tab-separated with a timestamp column,
and a u.item line "id|title|release date|video date|url|19 genre flags" per film. The loader
checks exactly what it checks on the real files, so a notebook that runs to its end on this
folder with ``USE_MOVIELENS = True`` and ``MFEDU_DATA_HOME=<home>`` has no check, plot or
sentence that depends on the synthetic truth without guarding it.

    python tests/fake_movielens.py HOME                # writes HOME/ml-100k
    python tests/fake_movielens.py HOME NOTEBOOK...    # and runs each notebook with the switch on
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import numpy as np

from mfedu.synthetic import make_synthetic

SEED = 7                 # not 0: the real-data branch must not see the committed synthetic set
START = 874_724_710      # u.data's timestamps span late 1997 to early 1998


def write_fake_movielens(home: str | Path, seed: int = SEED) -> Path:
    """Write ``<home>/ml-100k/{u.data,u.item}`` and return the ml-100k folder."""
    data = make_synthetic(seed=seed)
    ratings = data.explicit
    rng = np.random.default_rng(seed)
    folder = Path(home) / "ml-100k"
    folder.mkdir(parents=True, exist_ok=True)
    order = rng.permutation(len(ratings))            # the real file is not sorted by user
    times = START + np.sort(rng.integers(0, 215 * 86_400, size=len(ratings)))
    lines = [f"{u + 1}\t{i + 1}\t{int(r)}\t{t}"
             for u, i, r, t in zip(ratings.users[order], ratings.items[order],
                                   ratings.values[order], times)]
    (folder / "u.data").write_text("\n".join(lines) + "\n", encoding="latin-1")
    genres = rng.integers(0, 2, size=(ratings.n_items, 19))
    items = [f"{i + 1}|Film {i + 1} (199{i % 8})|01-Jan-199{i % 8}||http://example.invalid/{i + 1}|"
             + "|".join(map(str, genres[i])) for i in range(ratings.n_items)]
    (folder / "u.item").write_text("\n".join(items) + "\n", encoding="latin-1")
    return folder


SWITCH = re.compile(r"^USE_MOVIELENS = False\b", re.MULTILINE)


def run_with_switch_on(notebook: str | Path, home: str | Path, timeout: int = 600):
    """Execute ``notebook`` (in memory; the file is not changed) with its first
    ``USE_MOVIELENS = False`` turned True and ``MFEDU_DATA_HOME=home``, in the notebook's folder.
    Raises ValueError if the notebook has no such line, and nbclient's CellExecutionError (with
    the cell and the traceback) if a cell fails. Returns the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and SWITCH.search(c.source)]
    if not cells:
        raise ValueError(f"{notebook.name} has no line 'USE_MOVIELENS = False' to turn on")
    cells[0].source = SWITCH.sub("USE_MOVIELENS = True", cells[0].source, count=1)
    old = os.environ.get("MFEDU_DATA_HOME")
    os.environ["MFEDU_DATA_HOME"] = str(home)       # the kernel inherits it
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
    finally:
        if old is None:
            del os.environ["MFEDU_DATA_HOME"]
        else:
            os.environ["MFEDU_DATA_HOME"] = old
    return nb


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python tests/fake_movielens.py HOME [NOTEBOOK ...]")
    print(write_fake_movielens(sys.argv[1]))
    for path in sys.argv[2:]:
        run_with_switch_on(path, sys.argv[1])
        print(f"{path}: ran to the end with USE_MOVIELENS = True")
