"""The explorer panel the notebooks display: sliders -> recompute -> redraw.

Every notebook builds its panel from three pieces:

    controls  a dict of ipywidgets (sliders, dropdowns); their values are passed by name
    compute   compute(**values) -> result       (train a model, sweep a rank, ...)
    draw      draw(fig, result, previous) -> optional text shown under the figure

On each change the panel calls ``compute`` with the new values, then ``draw`` with the new
result and the one before it, so the figure can show the previous run as a faded "ghost" and
the reader sees what the change did. Sliders use ``continuous_update=False``: nothing is
recomputed while a handle is being dragged, only when it is released.
"""
from __future__ import annotations

import base64
import html
import io
import time
from typing import Any, Callable

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import PIL.Image
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .plots import STYLE


class Explorer:
    """An interactive panel: ``Explorer(compute, draw, controls)``; display it as a cell's value.

    Attributes: ``current`` and ``previous`` results, ``figure`` (the last matplotlib Figure),
    ``text`` (the last text under it), ``seconds`` (wall time of every update, compute + draw +
    PNG rendering, for the benchmarks). ``set(**values)`` moves controls from code.
    """

    def __init__(self, compute: Callable[..., Any], draw: Callable[..., str | None],
                 controls: dict[str, widgets.ValueWidget], figsize: tuple[float, float] = (11, 4.5)):
        if not controls:
            raise ValueError("controls must name at least one widget")
        self.compute, self.draw, self.controls, self.figsize = compute, draw, controls, figsize
        self.current = self.previous = self.figure = None
        self.text: str | None = None
        self.seconds: list[float] = []
        self._holding = False
        for name, w in controls.items():
            if not isinstance(w, widgets.ValueWidget):
                raise TypeError(f"controls[{name!r}] must be an ipywidgets value widget, "
                                f"got {type(w).__name__}")
            if hasattr(w, "continuous_update"):
                w.continuous_update = False
            w.style = {"description_width": "initial"}
            w.observe(self._on_change, names="value")
        self.output = widgets.Output(layout={"min_height": f"{int(figsize[1] * 80) + 20}px"})
        self.widget = widgets.VBox([widgets.HBox(list(controls.values())), self.output])
        self.refresh()

    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: w.value for name, w in self.controls.items()}

    def set(self, **values) -> None:
        """Move several controls at once and update once (used by tests, benchmarks, notebooks)."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; the panel has {sorted(self.controls)}")
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self.refresh()

    def refresh(self) -> None:
        """Recompute with the current values, redraw, and show the new figure."""
        start = time.perf_counter()
        self.previous, self.current = self.current, self.compute(**self.values())
        with mpl.rc_context(STYLE):
            fig = Figure(figsize=self.figsize, layout="constrained")
            self.text = self.draw(fig, self.current, self.previous)
            # One Agg pass (layout, then pixels) and a PNG of its buffer: the same pixels as
            # fig.savefig, which draws twice with constrained layout (about 20 % slower here).
            canvas = FigureCanvasAgg(fig)
            canvas.draw()
            png = io.BytesIO()
            PIL.Image.fromarray(np.asarray(canvas.buffer_rgba())).save(png, format="png")
        self.figure = fig
        # Replace the Output widget's contents in one assignment (one message, no flicker) rather
        # than with ``with self.output:``, which, when set() runs in a plain cell, also sends the
        # figure to that cell's output.
        outputs = [_display_data({"image/png": base64.b64encode(png.getvalue()).decode("ascii"),
                                  "text/plain": "<explorer figure>"})]
        if self.text:
            outputs.append(_display_data({
                "text/html": f"<pre style='font-size: 14px; font-family: monospace'>{html.escape(self.text)}</pre>",
                "text/plain": self.text}))
        self.output.outputs = tuple(outputs)
        self.seconds.append(time.perf_counter() - start)

    def _on_change(self, change) -> None:
        if not self._holding:
            self.refresh()

    def _ipython_display_(self) -> None:
        display(self.widget)


def _display_data(data: dict[str, str]) -> dict:
    """One entry of an Output widget's ``outputs``, in the notebook format (nbformat 4)."""
    return {"output_type": "display_data", "data": data, "metadata": {}}
