"""The notebooks as a class meets them: JupyterLab in a real (headless) browser.

nbval proves that cells run; this module proves that, in the JupyterLab we pin, a notebook runs
with no error shown, its explorer panel renders, and moving a slider redraws the figure (a pixel
difference of the plot image); the figure keeps an opaque light background, and a screenshot in
Lab's dark theme is saved for a person to look at. It also opens one notebook's
static HTML export (``make html``) with no kernel and no network and checks that the panel's
first figure is there.

One JupyterLab server (started here on 127.0.0.1 with a free port and a token, stopped here by
its own process group) and one Chromium serve the whole module. Lab opens *copies* of the
notebooks, outputs stripped, in a temporary folder, so nothing here writes to notebooks/.

Screenshots go to test-artifacts/browser/ (git-ignored; MFEDU_ARTIFACTS overrides it).
The browser is Debian's /usr/bin/chromium (MFEDU_CHROMIUM overrides it), driven by Python
Playwright; no browser is ever downloaded. Without it the tests skip, except in CI (CI=true),
where a missing browser fails.

To cover a new notebook with an explorer panel, add its file name to NOTEBOOKS.
"""
from __future__ import annotations

import base64
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent

# One line per notebook with an explorer panel (mfedu.widgets.Explorer).
NOTEBOOKS = [
    "01_evd_and_svd.ipynb",
    "02_truncated_svd_recommendation.ipynb",
    "03_mf_loss.ipynb",
    "04_gradients.ipynb",
    "05b_sgd_tuning.ipynb",
    "06_explicit_als.ipynb",
    "07_implicit_als.ipynb",
    "09_advanced_mf.ipynb",
    "10_bpr.ipynb",
    "11_evaluation.ipynb",
]

CHROMIUM = Path(os.environ.get("MFEDU_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("MFEDU_ARTIFACTS", ROOT / "test-artifacts" / "browser"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
RUN_TIMEOUT_MS = 180_000          # Run All Cells on a 2-core machine shared with other work
UPDATE_TIMEOUT_MS = 30_000        # one panel update (recompute + redraw + PNG to the browser)
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")     # never fetch a browser


def _missing(reason: str):
    """Skip on a developer's machine; fail in CI, where the browser must be installed."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: .ci/run installs what the browser test needs, "
                    "so here it is a failure, not a skip)")
    pytest.skip(reason)


def _chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Python playwright is not installed (pip install -r requirements.txt)")
    if not CHROMIUM.is_file():
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set MFEDU_CHROMIUM)")
    return sync_playwright


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about", "file") or \
        parts.hostname in ("127.0.0.1", "localhost", "::1")


# ----------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser-test screenshots: {ARTIFACTS}")
    return ARTIFACTS


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _strip(src: Path, dst: Path) -> None:
    """Copy a notebook without outputs, execution counts or saved widget state."""
    nb = nbformat.read(src, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, dst)


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser):
    """A JupyterLab server of our own: yields (base URL, token, folder it serves)."""
    tmp = tmp_path_factory.mktemp("lab")
    served, config = tmp / "notebooks", tmp / "config"
    served.mkdir()
    for name in NOTEBOOKS:
        _strip(ROOT / "notebooks" / name, served / name)
    # no "news" toast over the notebook; light theme unless a test switches it
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    token, port = secrets.token_hex(16), _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
           "IPYTHONDIR": str(tmp / "ipython"), "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={served}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")            # containers and CI run as root
    log = open(tmp / "jupyterlab.log", "w")
    # a session of its own, so that teardown can stop the server *and* its kernels by group
    server = subprocess.Popen(cmd, cwd=served, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {server.returncode}:\n"
                            + (tmp / "jupyterlab.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("JupyterLab did not answer on /api/status within 90 s:\n"
                            + (tmp / "jupyterlab.log").read_text()[-3000:])
            time.sleep(0.2)
        yield base, token, config
    finally:
        server.send_signal(signal.SIGTERM)        # Jupyter shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        try:
            os.killpg(server.pid, signal.SIGKILL)     # anything of that session left behind
        except ProcessLookupError:
            pass
        log.close()


# ------------------------------------------------------------------------------------ helpers
def _png_diff(a: bytes, b: bytes) -> float:
    """Share of pixels that differ visibly (any channel by more than 16 of 255) between two PNGs."""
    import numpy as np
    from PIL import Image
    A = np.asarray(Image.open(io.BytesIO(a)).convert("RGB"), dtype=np.int16)
    B = np.asarray(Image.open(io.BytesIO(b)).convert("RGB"), dtype=np.int16)
    if A.shape != B.shape:
        return 1.0
    return float(np.mean(np.abs(A - B).max(axis=2) > 16))


def _opaque_light_border(png: bytes) -> bool:
    """True if the image's outermost pixels are opaque and light (a figure's own background)."""
    import numpy as np
    from PIL import Image
    rgba = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    border = np.concatenate([rgba[0], rgba[-1], rgba[:, 0], rgba[:, -1]])
    return bool(border[:, 3].min() == 255 and border[:, :3].mean() > 240)


def _pixels(png: bytes) -> int:
    from PIL import Image
    width, height = Image.open(io.BytesIO(png)).size
    return width * height


def _img_png(img) -> bytes:
    """The PNG the kernel sent, decoded from the <img> data URL."""
    src = img.get_attribute("src")
    assert src and src.startswith("data:image/png;base64,"), f"the figure is not an inline PNG: {src[:60]!r}"
    return base64.b64decode(src.split(",", 1)[1])


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{item}")).first.click()


def _wait_for_kernel(page, panel) -> None:
    """Until the notebook's own kernel is connected and idle (before that, Lab shows 'idle'
    with 'No Kernel', and a Run All clicked then is lost)."""
    page.wait_for_function(
        """(panel) => {
            const name = panel.querySelector('.jp-Toolbar-kernelName');
            const state = panel.querySelector('.jp-Notebook-ExecutionIndicator');
            return name && !/No Kernel/.test(name.textContent) && state
                && state.getAttribute('data-status') === 'idle';
        }""", arg=panel.element_handle(timeout=60_000), timeout=60_000, polling=100)


def _wait_for_run(page, panel) -> None:
    """After Run > Run All Cells: until every cell has run or one has failed."""
    page.wait_for_function(
        """(panel) => {
            const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                .map(p => p.textContent.trim());
            if (prompts.some(t => t === '[*]:')) return false;
            const failed = panel.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
            return prompts.length > 0 && (/^\\[\\d+\\]:$/.test(prompts[prompts.length - 1]) || failed !== null);
        }""", arg=panel.element_handle(), timeout=RUN_TIMEOUT_MS, polling=250)


def _errors(panel) -> list[str]:
    """Text of every error output (a traceback) in the notebook."""
    return panel.evaluate(
        """(panel) => [...panel.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
            .map(e => e.textContent).filter(t => /Error|Traceback|Exception/.test(t))""")


class Notebook:
    """One notebook open in Lab in a browser context of its own, with Run All Cells started."""

    def __init__(self, browser, lab, name: str):
        base, self.token, _ = lab
        self.base, self.name, self.stem = base, name, Path(name).stem
        self.external: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        # a workspace per notebook: two Lab windows on one workspace would disturb each other
        self.page.goto(f"{base}/lab/workspaces/{self.stem}/tree/{name}?reset&token={self.token}")
        self.panel = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        _wait_for_kernel(self.page, self.panel)
        _menu(self.page, "Run", "Run All Cells")

    def _route(self, route):
        if _is_local(route.request.url):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def close(self) -> None:
        """Close the page and shut the notebook's kernel down (the server keeps kernels)."""
        self.context.close()
        auth = {"Authorization": f"token {self.token}"}
        try:
            with urllib.request.urlopen(urllib.request.Request(f"{self.base}/api/sessions", headers=auth),
                                        timeout=10) as r:
                sessions = json.load(r)
            for session in sessions:
                if session.get("path", "").endswith(self.name):
                    urllib.request.urlopen(urllib.request.Request(
                        f"{self.base}/api/sessions/{session['id']}", method="DELETE", headers=auth), timeout=10)
        except OSError:
            pass                                   # the server's own shutdown stops it anyway


@pytest.fixture(scope="module")
def notebooks(lab, browser):
    """Opens notebooks on demand; ``open(name)`` also starts the next one, so that its kernel
    runs while the current notebook is checked (two at a time: the machine has two cores)."""
    opened: dict[str, Notebook] = {}

    class Opener:
        def open(self, name: str) -> Notebook:
            if name not in opened:
                opened[name] = Notebook(browser, lab, name)
            following = NOTEBOOKS[NOTEBOOKS.index(name) + 1:NOTEBOOKS.index(name) + 2]
            for nxt in following:
                if nxt not in opened:
                    opened[nxt] = Notebook(browser, lab, nxt)
            return opened[name]

        def close(self, name: str) -> None:
            if name in opened:
                opened.pop(name).close()

    yield Opener()
    for nb in opened.values():
        nb.close()


def _move_and_wait(page, explorer, move) -> bytes:
    """Do ``move()``, wait until the panel shows a new figure, return that figure's PNG."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    img = explorer.locator(".widget-output img").first
    src = img.get_attribute("src")
    move()
    try:
        page.wait_for_function(
            "([box, src]) => { const img = box.querySelector('.widget-output img');"
            "                  return img !== null && img.complete && img.src !== src; }",
            arg=[explorer.element_handle(), src], timeout=UPDATE_TIMEOUT_MS)
    except PlaywrightTimeout:
        pytest.fail(f"the panel showed no new figure within {UPDATE_TIMEOUT_MS / 1000:.0f} s "
                    f"after the slider moved (the kernel did not redraw, or drew the same image)")
    return _img_png(explorer.locator(".widget-output img").first)


def _set_theme(page, theme: str) -> None:
    _menu(page, "Settings", "Theme")
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{theme}$")).first.click()
    light = "false" if "Dark" in theme else "true"
    page.locator(f"body[data-jp-theme-light='{light}']").wait_for(state="attached", timeout=10_000)


# -------------------------------------------------------------------------------------- tests
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_panel_redraws_when_slider_moves(notebook, notebooks, artifacts):
    nb = notebooks.open(notebook)
    page, panel, shot = nb.page, nb.panel, lambda step: artifacts / f"{nb.stem}_{step}.png"
    for old in artifacts.glob(f"{nb.stem}_*.png"):
        old.unlink()                               # no stale screenshot from an earlier run
    try:
        _wait_for_run(page, panel)
        errors = _errors(panel)
        assert not errors, f"{notebook}: a cell shows an error:\n" + "\n---\n".join(errors)[:3000]
        prompts = [p.strip() for p in panel.locator(".jp-CodeCell .jp-InputArea-prompt").all_text_contents()]
        assert prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), \
            f"{notebook}: not every cell ran: {prompts}"

        # the first explorer panel: a box with sliders over an Output widget showing the figure
        explorer = panel.locator(".widget-vbox:has(.noUi-handle):has(.widget-output img)").first
        explorer.scroll_into_view_if_needed()
        explorer.locator(".widget-output img").first.wait_for(state="visible", timeout=UPDATE_TIMEOUT_MS)
        handle = explorer.locator(".noUi-handle").first
        value0 = float(handle.get_attribute("aria-valuenow"))
        png0 = _img_png(explorer.locator(".widget-output img").first)
        explorer.screenshot(path=shot("1_before"))

        # 1) one arrow key on the focused handle: one step, one update (recompute + redraw in
        #    the kernel) replaces the figure. Right, unless the slider already sits at its maximum.
        lo, hi = (float(handle.get_attribute(a)) for a in ("aria-valuemin", "aria-valuemax"))
        key = "ArrowRight" if value0 < hi else "ArrowLeft"
        png1 = _move_and_wait(page, explorer, lambda: (handle.focus(), page.keyboard.press(key)))
        value1 = float(handle.get_attribute("aria-valuenow"))
        explorer.screenshot(path=shot(f"2_after_{key}"))
        assert (value1 > value0) if key == "ArrowRight" else (value1 < value0), \
            f"{notebook}: {key} did not move the slider ({value0:g} -> {value1:g})"
        # one step may change little (a title digit, one bar of 03's factor strengths), but
        # something visible must change: a redrawn title digit is about 70 pixels
        changed = _png_diff(png0, png1)
        assert changed * _pixels(png1) >= 20, (f"{notebook}: slider {value0:g} -> {value1:g}, but "
                                               f"only {changed:.3%} of the figure's pixels changed")

        # 2) a far move: End (or Home from the upper half) jumps to the end of the range
        key = "End" if value1 < (lo + hi) / 2 else "Home"
        png2 = _move_and_wait(page, explorer, lambda: (handle.focus(), page.keyboard.press(key)))
        value2 = float(handle.get_attribute("aria-valuenow"))
        explorer.screenshot(path=shot(f"3_after_{key}"))
        assert value2 == (hi if key == "End" else lo), (key, value1, value2)
        changed = _png_diff(png1, png2)
        print(f"{notebook}: {changed:.2%} of the figure changed from {value1:g} to {value2:g}")
        assert changed > 0.005, (f"{notebook}: slider {value1:g} -> {value2:g} (across its range), but "
                                 f"only {changed:.3%} of the figure's pixels changed")

        # 3) dark theme: every figure (the panel's and the static ones) keeps an opaque light
        #    background of its own, so its dark text and lines stay readable on a dark page
        srcs = panel.evaluate("(p) => [...p.querySelectorAll('.jp-OutputArea-output img')].map(i => i.src)")
        for j, src in enumerate(srcs):
            if src.startswith("data:image/png;base64,"):
                png = base64.b64decode(src.split(",", 1)[1])
                assert _opaque_light_border(png), (f"{notebook}: figure {j} has a transparent or dark "
                                                   "background; it would vanish in a dark theme")
        assert _opaque_light_border(png2), f"{notebook}: the panel's figure has no opaque light background"
        _set_theme(page, "JupyterLab Dark")
        explorer.screenshot(path=shot("4_dark_theme"))
        _set_theme(page, "JupyterLab Light")
        assert not nb.external, f"JupyterLab tried to reach non-local URLs: {nb.external}"
    except Exception:
        page.screenshot(path=shot("failure"), full_page=True)
        raise
    finally:
        notebooks.close(notebook)


HTML_NOTEBOOK = "01_evd_and_svd.ipynb"      # the one the export test exports and opens


def test_html_export_shows_first_view_offline(browser, artifacts, tmp_path):
    """`make html`'s exporter on one notebook: the page, opened from disk with every non-local
    request refused, renders the panel's saved first view (slider + figure) and the maths.

    To stay fast it exports the stored notebook (outputs and widget state as `make notebooks`
    saved them; nbval checks that they are current) instead of executing it again."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("export_html", ROOT / "tools" / "export_html.py")
    export_html = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(export_html)
    if not (export_html.VENDOR / export_html.STAMP).is_file():
        _missing(f"the page scripts are not in {export_html.VENDOR}: run `make html-assets` once "
                 "(fetches require.js, the widget renderer and MathJax from the npm registry)")
    page_path = export_html.export(ROOT / "notebooks" / HTML_NOTEBOOK, tmp_path, execute=False)

    external: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if _is_local(route.request.url)
               else (external.append(route.request.url), route.abort()))
    try:
        page.goto(page_path.as_uri())
        explorer = page.locator(".widget-vbox:has(.noUi-handle):has(.widget-output img)").first
        explorer.wait_for(state="attached", timeout=60_000)
        explorer.scroll_into_view_if_needed()
        img = explorer.locator(".widget-output img").first
        img.wait_for(state="visible", timeout=30_000)
        explorer.screenshot(path=artifacts / f"html_{Path(HTML_NOTEBOOK).stem}_panel.png")
        png = _img_png(img)
        from PIL import Image
        figure = Image.open(io.BytesIO(png))
        assert figure.width > 300 and figure.height > 200, figure.size
        page.locator(".MathJax_CHTML").first.wait_for(state="attached", timeout=30_000)
        raw_tex = page.locator(".jp-MarkdownOutput").filter(has_text="$$").count()
        assert raw_tex == 0, f"{raw_tex} markdown cells still show raw $$...$$ (MathJax did not run)"
        page.screenshot(path=artifacts / f"html_{Path(HTML_NOTEBOOK).stem}_top.png")
        assert not external, f"the exported page tried to reach non-local URLs: {external}"
    finally:
        context.close()
