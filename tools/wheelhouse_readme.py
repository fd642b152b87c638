"""Write README.md into a wheelhouse folder made by `make wheelhouse`: what it is, how to install
from it with no network, and what it holds (platform, Python version, wheels and sizes).

    python tools/wheelhouse_readme.py build/wheelhouse
"""
from __future__ import annotations

import platform
import sys
from pathlib import Path

TEMPLATE = """# mfedu wheelhouse: install the notebooks' packages with no network

This folder holds every wheel that `make lab` installs: JupyterLab, ipywidgets, numpy, scipy,
matplotlib, pillow{spark} and everything they depend on; plus pip, setuptools and mfedu
itself. Copy it to a USB stick or a shared drive; students then install from it without
downloading anything.

Built for: Python {python} on {system} {machine}. Wheels of compiled packages (numpy, scipy,
...) only install on the same platform and Python version: build one wheelhouse per kind of
machine in the class.

## Install (on a student's machine, from a clone of the mfedu repository)

    make lab WHEELHOUSE=/path/to/this/folder{spark_flag}

or, without make:

    python3 -m venv .venv
    .venv/bin/python -m pip install --no-index --find-links /path/to/this/folder --upgrade pip
    .venv/bin/python -m pip install --no-index --find-links /path/to/this/folder -r requirements/lab.txt{spark_r}
    .venv/bin/python -m pip install --no-index --find-links /path/to/this/folder -e .
    .venv/bin/jupyter lab notebooks/00_start_here.ipynb

(`-e .` installs the repository's own mfedu, which the notebooks use; without the repository,
`pip install --no-index --find-links /path/to/this/folder mfedu` installs the wheel in this
folder.) `--no-index` makes pip read only this folder: if a wheel were missing, pip would stop
with "No matching distribution found" instead of going to the network.

{java}

## Contents

{count} wheels, {total:.0f} MB in all:

{table}
"""


def main(folder: Path) -> None:
    wheels = sorted(folder.glob("*.whl"), key=lambda p: p.name.lower())
    if not wheels:
        raise SystemExit(f"{folder} holds no wheels: run `make wheelhouse` first")
    rows = "\n".join(f"- {w.name} ({w.stat().st_size / 1e6:.1f} MB)" for w in wheels)
    spark = any(w.name.startswith("pyspark-") for w in wheels)
    text = TEMPLATE.format(spark=", pyspark for notebook 08," if spark else ",",
                           spark_flag="" if spark else " SPARK=no",
                           spark_r=" -r requirements/spark.txt" if spark else "",
                           java=("Notebook 08 also needs Java 17 or 21 (not a Python package: install it\n"
                                 "from the operating system's packages beforehand)." if spark else
                                 "This wheelhouse was built with SPARK=no: it has no pyspark, so notebook\n"
                                 "08 cannot run from it (notebooks 00-07 can)."),
                           python=platform.python_version(), system=platform.system(),
                           machine=platform.machine(), count=len(wheels),
                           total=sum(w.stat().st_size for w in wheels) / 1e6, table=rows)
    (folder / "README.md").write_text(text, encoding="utf-8")
    print(f"{folder}: {len(wheels)} wheels, {sum(w.stat().st_size for w in wheels) / 1e6:.0f} MB; "
          "README.md written")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
