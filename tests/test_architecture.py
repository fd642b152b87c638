"""mfedu's structure: imports run one way, every module imports alone, the wheel works anywhere.

1. The import graph among mfedu's modules (imports inside functions count too) has no cycle, and
   no module takes a private name (``_x``) from another module, except from the private modules
   meant to be shared: ``_validate`` (argument checks), ``_ridge`` (the batched ALS kernels) and
   ``checks._feedback`` (inside the checks package).
2. Every module imports on its own in a fresh interpreter (a cycle hidden by import order shows
   up here).
3. A wheel built from the repository, installed outside it, imports every module and loads the
   data mfedu ships, from a folder outside the repository.
"""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mfedu"
SHARED_PRIVATE = {"mfedu._validate", "mfedu._ridge", "mfedu.checks._feedback"}


def module_names() -> list[str]:
    """Every module of the package, e.g. "mfedu.als", "mfedu.checks.mf" (packages by __init__)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def module_path(name: str) -> Path:
    base = ROOT.joinpath(*name.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def imports_of(name: str) -> list[tuple[str, str | None, int]]:
    """(mfedu module imported, name taken from it or None, line) for every import in the module,
    at any depth (inside functions too); relative imports are resolved."""
    path = module_path(name)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    known = set(module_names())
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, None, node.lineno) for a in node.names if a.name.startswith("mfedu")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("mfedu"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:                        # "from . import _ridge": a module
                    found.append((sub, None, node.lineno))
                else:
                    found.append((target, alias.name, node.lineno))
    return found


def graph() -> dict[str, set[str]]:
    return {name: {target for target, _, _ in imports_of(name) if target != name}
            for name in module_names()}


def test_the_import_graph_has_no_cycle():
    g = graph()
    state: dict[str, str] = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(g.get(node, ())):
            if state.get(nxt) == "open":
                cycle = path[path.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for name in g:
        if name not in state:
            visit(name, [name])


def test_the_bottom_layers_import_only_below_them():
    """_validate imports no mfedu module; data only _validate; loss only those two."""
    g = graph()
    assert g["mfedu._validate"] == set() and g["mfedu._ridge"] == set()
    assert g["mfedu.data"] == {"mfedu._validate"}
    assert g["mfedu.loss"] <= {"mfedu._validate", "mfedu.data"}
    for name, targets in g.items():       # nothing below the exercise checks imports them
        assert name.startswith("mfedu.checks") or not any(t.startswith("mfedu.checks") for t in targets)


def test_evaluation_sits_on_top():
    """mfedu.evaluation (notebook 11) uses the data, the results and the metrics; no module below
    it imports it (the exercise checks may)."""
    g = graph()
    assert g["mfedu.evaluation"] <= {"mfedu._validate", "mfedu.data", "mfedu.metrics", "mfedu.result"}
    assert not [name for name, targets in g.items()
                if "mfedu.evaluation" in targets and not name.startswith("mfedu.checks")]


def test_no_private_name_crosses_modules():
    crossings = []
    for name in module_names():
        for target, taken, line in imports_of(name):
            if target == name or target in SHARED_PRIVATE:
                continue
            private_module = any(part.startswith("_") and part != "__init__" for part in target.split("."))
            if (taken and taken.startswith("_")) or private_module:
                crossings.append(f"{module_path(name).relative_to(ROOT)}:{line} takes "
                                 f"{target}{'.' + taken if taken else ''}")
    assert not crossings, "private names used across modules:\n" + "\n".join(crossings)


def test_tests_and_benchmarks_use_public_names_only():
    """The fast forms are private; tests and benchmarks reach them through public functions."""
    offenders = []
    for path in sorted(list((ROOT / "tests").glob("*.py")) + list((ROOT / "benchmarks").glob("*.py"))):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mfedu"):
                bad = [a.name for a in node.names if a.name.startswith("_")]
                if bad or any(p.startswith("_") for p in node.module.split(".")):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module} {bad}")
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                    and not node.attr.startswith("__") and isinstance(node.value, ast.Name) \
                    and node.value.id in {"mfedu", "advanced", "als", "als_implicit", "bpr", "evaluation", "sgd", "loss", "data",
                                          "metrics", "result", "synthetic", "svdrec", "linalg",
                                          "mspark", "checks", "plots", "widgets"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
    assert not offenders, "private mfedu names in tests or benchmarks:\n" + "\n".join(offenders)


def test_every_module_imports_alone_in_a_fresh_interpreter():
    def run(name):
        out = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True,
                             text=True, timeout=120, cwd=ROOT)
        return name, out.returncode, out.stderr[-1500:]

    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = [f"{name}:\n{err}" for name, rc, err in pool.map(run, module_names()) if rc]
    assert not failures, "\n".join(failures)


# ----------------------------------------------------------------------------- the wheel

INSTALLED_CHECK = """
import importlib, pkgutil, sys
from pathlib import Path
import mfedu
site, repo = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
assert Path(mfedu.__file__).resolve().is_relative_to(site), mfedu.__file__
names = ["mfedu"] + [m.name for m in pkgutil.walk_packages(mfedu.__path__, "mfedu.")]
for name in names:
    module = importlib.import_module(name)
    assert not Path(module.__file__).resolve().is_relative_to(repo), module.__file__
from mfedu.data import load_synthetic, toy
explicit, implicit, table = load_synthetic("explicit"), load_synthetic("implicit"), toy()
assert explicit.shape == implicit.shape == (943, 1682) and len(explicit) == len(implicit) == 100_000
assert explicit.values.min() == 1 and explicit.values.max() == 5 and implicit.values.min() >= 1
assert len(table) == 24 and table.item_labels[0] == "Alien"
print(len(names), "modules")
"""


def test_the_wheel_installs_and_works_outside_the_repository(tmp_path):
    if importlib_util_missing("setuptools"):
        pytest.fail("setuptools is needed to build the wheel: pip install -r requirements.txt")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copytree(PACKAGE, src / "mfedu", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "--no-index", "-q", "-w", str(tmp_path / "dist"), str(src)],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    assert "Package would be ignored" not in build.stderr, build.stderr
    wheel, = (tmp_path / "dist").glob("mfedu-*.whl")
    site = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                              "--target", str(site), str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr
    shipped = {p.relative_to(site).as_posix() for p in (site / "mfedu").rglob("*") if p.is_file()
               and "__pycache__" not in p.parts}
    in_repo = {p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*") if p.is_file()
               and "__pycache__" not in p.parts}
    assert shipped == in_repo                            # every module and data file, nothing else

    elsewhere = tmp_path / "elsewhere"                   # a folder outside the repository
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}        # the wheel's copy comes first on sys.path
    env.pop("MFEDU_DATA_HOME", None)
    out = subprocess.run([sys.executable, "-c", INSTALLED_CHECK, str(site), str(ROOT)], cwd=elsewhere,
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == f"{len(module_names())} modules"

    # the generator's advice works from an installed copy too: it rewrites the same bytes
    regenerated = tmp_path / "regenerated"
    regenerated.mkdir()
    gen = subprocess.run([sys.executable, "-m", "mfedu.synthetic", str(regenerated)], cwd=elsewhere,
                         env=env, capture_output=True, text=True, timeout=300)
    assert gen.returncode == 0, gen.stdout + gen.stderr
    for path in sorted((site / "mfedu" / "data_files").glob("*.tsv")):
        assert (regenerated / path.name).read_bytes() == path.read_bytes(), path.name


def importlib_util_missing(name: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(name) is None
