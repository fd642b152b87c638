"""Benchmarks for the notebooks: execution time, nbval time, explorer-panel update time, test time.

    python benchmarks/run.py                   # every notebook: run, nbval, each panel's updates
    python benchmarks/run.py notebooks/01*.ipynb --no-nbval
    python benchmarks/run.py --tests           # also time the whole test command (`python -m pytest`)

Numbers, not pass/fail: the targets are printed beside them. Each notebook runs top to bottom
in a fresh kernel exactly as `make notebooks` does ("run"); then, in the same kernel, every
control of every explorer panel it made is moved through a range of values and each update
(recompute + redraw + PNG rendering) is timed by the panel itself (Explorer.seconds): the
median and the worst update per panel. "nbval" is the wall time of `python -m pytest
<notebook>` on that notebook alone (interpreter and kernel start included), as `make test`
checks it. A notebook that fails is reported as such and the others still run.
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
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
# the test command's target is the duration the README states (make test, 2 cores)
TARGET_NOTEBOOK_S, TARGET_UPDATE_S, TARGET_TESTS_S = 20.0, 0.25, 240.0
# Notebook 08 starts a Java virtual machine and runs Apache Spark: its own target is nbval <= 90 s
TARGET_NBVAL_S = {"08_spark_als.ipynb": 90.0}

# Runs inside the notebook's kernel after its last cell: finds every panel and moves each control
# through about ten values (every option of a dropdown), then back to where it was.
PROBE = r"""
import json as _json, statistics as _st
import numpy as _np
from mfedu.widgets import Explorer as _Explorer
_panels = list({id(v): v for v in list(globals().values()) if isinstance(v, _Explorer)}.values())  # `_` may alias one
_out = []
for _panel in _panels:
    _n0 = len(_panel.seconds)
    for _name, _w in _panel.controls.items():
        _start = _w.value
        if hasattr(_w, "_options_values"):                           # Dropdown, RadioButtons, ...
            _values = list(_w._options_values)
        elif isinstance(_start, bool):                               # Checkbox, ToggleButton
            _values = [not _start]
        elif hasattr(_w, "base") and hasattr(_w, "min"):             # FloatLogSlider: min/max are exponents
            _values = [float(_w.base ** e) for e in _np.linspace(_w.min, _w.max, 10)]
        elif hasattr(_w, "min") and hasattr(_w, "max") and not isinstance(_start, (tuple, list)):
            _values = [_w.min + (_w.max - _w.min) * j / 9 for j in range(10)]
            if isinstance(_start, int):
                _values = sorted({int(round(v)) for v in _values})
        else:                                                        # range sliders, text: not probed
            continue
        for _v in _values + [_start]:
            _panel.set(**{_name: _v})
    _s = _panel.seconds[_n0:]
    if _s:
        _out.append({"controls": list(_panel.controls), "updates": len(_s),
                     "median": _st.median(_s), "max": max(_s)})
print("PANELS" + _json.dumps(_out))
"""


def run_notebook(path: Path) -> tuple[float, list[dict], str]:
    """Run time in a fresh kernel, the panels' update times, and an error message ('' if none)."""
    nb = nbformat.read(path, as_version=4)
    n_cells = len(nb.cells)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells[:n_cells]):
                client.execute_cell(cell, index)
            elapsed = time.perf_counter() - start
            client.execute_cell(nb.cells[-1], n_cells)
    except CellExecutionError as err:
        return time.perf_counter() - start, [], str(err).strip().splitlines()[-1][:100]
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
    panels = json.loads(text.split("PANELS", 1)[1]) if "PANELS" in text else []
    return elapsed, panels, ""


def run_nbval(path: Path) -> tuple[float, str]:
    """Wall time of `python -m pytest <notebook>` (the repository's nbval options) and its summary."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             str(path.resolve().relative_to(ROOT))], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    lines = result.stdout.strip().splitlines()
    return elapsed, (lines[-1].strip("= ") if lines else f"exit {result.returncode}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", action="store_true", help="also time the whole test command")
    parser.add_argument("--no-nbval", action="store_true", help="skip the per-notebook nbval timing")
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: all)")
    args = parser.parse_args()
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    header = (f"{'notebook':40s} {'run (s)':>8s} {'nbval (s)':>10s}  {'panel controls':24s} "
              f"{'updates':>7s} {'median (s)':>10s} {'worst (s)':>9s}")
    print(header)
    print("-" * len(header))
    for path in paths:
        elapsed, panels, error = run_notebook(path)
        nbval_s, nbval_summary = (float("nan"), "") if args.no_nbval else run_nbval(path)
        nbval = f"{nbval_s:10.1f}" if not args.no_nbval else f"{'-':>10s}"
        rows = [f"{' '.join(p['controls'])[:24]:24s} {p['updates']:7d} {p['median']:10.3f} {p['max']:9.3f}"
                for p in panels] or [f"{'(no panel)':24s} {'-':>7s} {'-':>10s} {'-':>9s}"]
        for j, row in enumerate(rows):
            name, run = (path.name, f"{elapsed:8.1f}") if j == 0 else ("", "")
            print(f"{name:40s} {run:>8s} {nbval if j == 0 else '':>10s}  {row}")
        if error:
            print(f"    ERROR while running: {error}")
        if "failed" in nbval_summary or "error" in nbval_summary:
            print(f"    nbval: {nbval_summary}")
    print(f"targets: each notebook <= {TARGET_NOTEBOOK_S:.0f} s, median update <= {TARGET_UPDATE_S} s"
          + "".join(f"; {name} under nbval <= {s:.0f} s" for name, s in TARGET_NBVAL_S.items()))
    if args.tests:
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT,
                                capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "?"
        print(f"test command: {elapsed:.1f} s ({summary}); target <= {TARGET_TESTS_S:.0f} s")


if __name__ == "__main__":
    main()
