"""Static HTML pages of the notebooks that work with no kernel and no network (`make html`).

    python tools/export_html.py                    # every notebook -> build/html/<name>.html
    python tools/export_html.py --out DIR NB.ipynb  # some notebooks, elsewhere
    python tools/export_html.py --no-execute ...    # use the stored outputs and widget state
    python tools/export_html.py --fetch-only        # only fetch the page scripts (CI does this)

Each notebook is executed top to bottom in a fresh kernel (as `make notebooks` does); nbclient
saves the widget state in the notebook, so each explorer panel's first figure (the image inside
its Output widget) is in the page and shows in a plain browser. The sliders render but, with no
kernel, they do not recompute.

nbconvert's pages load require.js, the widget renderer (@jupyter-widgets/html-manager) and
MathJax from CDNs. Here they come from local copies in `_static/` beside the pages. Those copies
are fetched once from the npm registry (`npm pack`, exact versions, checked against the
registry's sha512) into build/vendor/; they are not committed because they are several MB of
minified third-party code (MathJax Apache-2.0, html-manager BSD-3-Clause, require.js MIT).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import html
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "build" / "vendor"
OUT = ROOT / "build" / "html"

# (npm package, exact version, the registry's sha512 of the tarball, folder in _static,
#  the members of the tarball's package/ folder to keep: exact paths or folder prefixes)
ASSETS = [
    ("requirejs", "2.3.8",
     "7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
     "requirejs", ["require.js", "README.md"]),
    ("@jupyter-widgets/html-manager", "1.0.15",
     "5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
     "html-manager", ["dist/embed-amd.js", "dist/embed.js.LICENSE.txt", "LICENSE", "dist/*.woff2",
                      "dist/*.woff", "dist/*.ttf", "dist/*.eot", "dist/*.svg"]),
    ("mathjax", "2.7.9",
     "NOGEDTIM9+MrsqnjPEjVGNx4q0GQxqm61yQwSK+/5S59i26wId5IC5gNu9/bu8+CCVl5p9G2IHcAl/wJa+5+BQ==",
     "mathjax", ["LICENSE", "MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js",
                 "extensions/", "jax/input/TeX/", "jax/element/", "jax/output/CommonHTML/",
                 "fonts/HTML-CSS/TeX/woff/"]),
]
STAMP = "assets.txt"
# where the pages look for them, relative to the page
URLS = {"require_js_url": "_static/requirejs/require.js",
        "widget_renderer_url": "_static/html-manager/dist/embed-amd.js",
        "mathjax_url": "_static/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"}

# The widget renderer gives the text inside a panel's Output widget its UI font; a panel's text
# (a top-N table, say) is laid out in columns, so keep it monospaced as JupyterLab shows it.
EXTRA_CSS = ("<style>.jupyter-widgets .jp-RenderedHTMLCommon pre, .widget-output pre "
             "{font-family: var(--jp-code-font-family, monospace);}</style>\n")


def _wanted(member: str, patterns: list[str]) -> bool:
    from fnmatch import fnmatch
    return any(member == p or (p.endswith("/") and member.startswith(p)) or
               ("*" in p and fnmatch(member, p)) for p in patterns)


def fetch_assets(vendor: Path = VENDOR) -> Path:
    """Fetch the pinned page scripts into ``vendor`` once (needs npm and the npm registry)."""
    expected = "".join(f"{name}@{version}\n" for name, version, *_ in ASSETS)
    if (vendor / STAMP).is_file() and (vendor / STAMP).read_text() == expected:
        return vendor
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("export_html: npm is needed once to fetch require.js, the widget renderer "
                         "and MathJax from the npm registry (apt-get install npm)")
    shutil.rmtree(vendor, ignore_errors=True)
    vendor.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, sha512, folder, keep in ASSETS:
            out = subprocess.run([npm, "pack", "--silent", "--pack-destination", tmp, f"{name}@{version}"],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                raise SystemExit(f"export_html: npm pack {name}@{version} failed:\n{out.stderr}")
            tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
            digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
            if digest != sha512:
                raise SystemExit(f"export_html: {tarball.name} has sha512 {digest}, expected {sha512}")
            with tarfile.open(tarball) as tar:
                for member in tar.getmembers():
                    path = member.name.split("/", 1)[1] if "/" in member.name else ""
                    if member.isfile() and _wanted(path, keep):
                        target = vendor / folder / path
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(tar.extractfile(member).read())
    (vendor / STAMP).write_text(expected)
    return vendor


def export(notebook: Path, out: Path, vendor: Path = VENDOR, execute: bool = True,
           timeout: int = 600) -> Path:
    """Write ``out/<notebook stem>.html``; copies the page scripts to ``out/_static`` if missing."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    out.mkdir(parents=True, exist_ok=True)
    static = out / "_static"
    if not (static / STAMP).is_file() or (static / STAMP).read_text() != (vendor / STAMP).read_text():
        shutil.rmtree(static, ignore_errors=True)
        shutil.copytree(vendor, static)
    nb = nbformat.read(notebook, as_version=4)
    if execute:
        # store_widget_state (the default) writes metadata.widgets: the panels' first view
        NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
    has_widgets = any("application/vnd.jupyter.widget-view+json" in output.get("data", {})
                      for cell in nb.cells for output in cell.get("outputs", []))
    if has_widgets and "widgets" not in nb.metadata:
        raise SystemExit(f"export_html: {notebook.name} shows widgets but has no saved widget state; "
                         "run it with `make notebooks`, or export without --no-execute")
    body, _ = HTMLExporter(template_name="lab", **URLS).from_notebook_node(nb)
    body = body.replace("</head>", EXTRA_CSS + "</head>", 1)
    page = out / f"{notebook.stem}.html"
    page.write_text(body, encoding="utf-8")
    return page


def write_index(pages: list[Path], out: Path) -> Path:
    """A plain list of the exported pages."""
    items = "\n".join(f'<li><a href="{html.escape(p.name)}">{html.escape(p.stem)}</a></li>' for p in pages)
    index = out / "index.html"
    index.write_text("<!DOCTYPE html>\n<html lang='en'><meta charset='utf-8'>"
                     "<title>mfedu notebooks</title>\n<h1>mfedu notebooks (static, no kernel)</h1>\n"
                     f"<ul>\n{items}\n</ul>\n</html>\n", encoding="utf-8")
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT.relative_to(ROOT)}")
    parser.add_argument("--vendor", type=Path, default=VENDOR, help=f"default: {VENDOR.relative_to(ROOT)}")
    parser.add_argument("--no-execute", action="store_true", help="use the stored outputs")
    parser.add_argument("--fetch-only", action="store_true", help="only fetch the page scripts")
    args = parser.parse_args()
    fetch_assets(args.vendor)
    if args.fetch_only:
        print(f"page scripts in {args.vendor}")
        return
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    pages = []
    for path in paths:
        pages.append(export(path.resolve(), args.out, args.vendor, execute=not args.no_execute))
        print(f"{pages[-1]}", flush=True)
    print(write_index(pages, args.out))


if __name__ == "__main__":
    sys.exit(main())
