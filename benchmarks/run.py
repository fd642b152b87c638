"""Benchmarks for the notebooks: execution time, explorer-panel update time, test-suite time.

    python benchmarks/run.py            # notebooks + panels
    python benchmarks/run.py --tests    # also time the whole test command (`python -m pytest`)

Numbers, not pass/fail: the targets are printed beside them. Each notebook runs top to bottom
in a fresh kernel exactly as `make notebooks` does; then, in the same kernel, every control of
its explorer panel is moved through a range of values and each update (recompute + redraw +
PNG rendering) is timed by the panel itself (Explorer.seconds).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TARGET_NOTEBOOK_S, TARGET_UPDATE_S, TARGET_TESTS_S = 20.0, 0.25, 60.0

# Runs inside the notebook's kernel after its last cell: finds the panel and moves its controls.
PROBE = r"""
import json as _json, statistics as _st
from mfedu.widgets import Explorer as _Explorer
_panels = list({id(v): v for v in list(globals().values()) if isinstance(v, _Explorer)}.values())  # `_` may alias one
_out = []
for _panel in _panels:
    _n0 = len(_panel.seconds)
    for _name, _w in _panel.controls.items():
        if hasattr(_w, "options"):
            _values = [o[1] if isinstance(o, tuple) else o for o in _w.options]
        else:
            _lo, _hi = _w.min, _w.max
            _values = [_lo + (_hi - _lo) * j / 9 for j in range(10)]
            if isinstance(_w.value, int):
                _values = sorted({int(round(v)) for v in _values})
        _start = _w.value
        for _v in _values + [_start]:
            _panel.set(**{_name: _v})
    _s = _panel.seconds[_n0:]
    _out.append({"updates": len(_s), "median": _st.median(_s), "max": max(_s)})
print("PANELS" + _json.dumps(_out))
"""


def run_notebook(path: Path) -> tuple[float, list[dict]]:
    nb = nbformat.read(path, as_version=4)
    n_cells = len(nb.cells)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells[:n_cells]):
            client.execute_cell(cell, index)
        elapsed = time.perf_counter() - start
        client.execute_cell(nb.cells[-1], n_cells)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
    panels = json.loads(text.split("PANELS", 1)[1]) if "PANELS" in text else []
    return elapsed, panels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", action="store_true", help="also time the whole test command")
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: all)")
    args = parser.parse_args()
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    print(f"{'notebook':40s} {'run (s)':>8s} {'updates':>8s} {'median (s)':>11s} {'max (s)':>8s}")
    for path in paths:
        elapsed, panels = run_notebook(path)
        if not panels:
            print(f"{path.name:40s} {elapsed:8.2f} {'-':>8s} {'-':>11s} {'-':>8s}")
        for p in panels:
            print(f"{path.name:40s} {elapsed:8.2f} {p['updates']:8d} {p['median']:11.3f} {p['max']:8.3f}")
    print(f"targets: each notebook <= {TARGET_NOTEBOOK_S:.0f} s, median update <= {TARGET_UPDATE_S} s")
    if args.tests:
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT,
                                capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "?"
        print(f"test command: {elapsed:.1f} s ({summary}); target <= {TARGET_TESTS_S:.0f} s")


if __name__ == "__main__":
    main()
