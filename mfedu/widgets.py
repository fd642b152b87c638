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
import inspect
import io
import numbers
import time
from typing import Any, Callable

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import PIL.Image
import traitlets
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .plots import STYLE

MAX_INCHES = 40      # a figure side; larger ones exhaust memory when rendered to pixels


class Explorer:
    """An interactive panel: ``Explorer(compute, draw, controls)``; display it as a cell's value.

    Attributes: ``current`` and ``previous`` results, ``figure`` (the last matplotlib Figure),
    ``text`` (the last text under it), ``seconds`` (wall time of every update, compute + draw +
    PNG rendering, for the benchmarks). ``set(**values)`` moves controls from code.

    Checks: compute and draw callables; controls a non-empty dict of ipywidgets value widgets
    keyed by name; figsize two positive numbers. The controls always describe the figure shown:
    a value a control cannot hold is refused and leaves every control as it was, and if compute
    or draw fails, the controls go back to the values of the figure still on screen.
    """

    def __init__(self, compute: Callable[..., Any], draw: Callable[..., str | None],
                 controls: dict[str, widgets.ValueWidget], figsize: tuple[float, float] = (11, 4.5)):
        for name, f in (("compute", compute), ("draw", draw)):
            if not callable(f):
                raise TypeError(f"{name} must be a function, got {type(f).__name__}")
        if not isinstance(controls, dict):
            raise TypeError("controls must be a dict of ipywidgets by name, e.g. "
                            f"{{'rank': IntSlider(...)}}, got {type(controls).__name__}")
        if not controls:
            raise ValueError("controls must name at least one widget")
        for name, w in controls.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise TypeError(f"controls must be keyed by names (compute receives them as keyword "
                                f"arguments), got the key {name!r}")
            if not isinstance(w, widgets.ValueWidget):
                raise TypeError(f"controls[{name!r}] must be an ipywidgets value widget, "
                                f"got {type(w).__name__}")
        _check_signature(compute, "compute", "compute(**values)", kwargs=dict.fromkeys(controls))
        _check_signature(draw, "draw", "draw(fig, result, previous)", args=(None, None, None))
        if (not isinstance(figsize, (tuple, list)) or len(figsize) != 2
                or not all(isinstance(x, numbers.Real) and not isinstance(x, bool)
                           and 0 < x <= MAX_INCHES for x in figsize)):
            raise ValueError(f"figsize must be (width, height) in inches, two numbers in "
                             f"(0, {MAX_INCHES}], got {figsize!r}")
        self.compute, self.draw, self.controls, self.figsize = compute, draw, controls, figsize
        self.current = self.previous = self.figure = None
        self.text: str | None = None
        self.seconds: list[float] = []
        self._holding = False
        for w in controls.values():
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
        """Move several controls at once and update once (used by tests, benchmarks, notebooks).

        Every value is checked before the panel updates (each is tried on its control while
        updates are held): one its control cannot hold (a slider value outside the slider's
        range, which ipywidgets would silently clamp; a dropdown value not among its options; a
        value of the wrong type) raises a ValueError or TypeError naming the control and what it
        allows, and every control is put back as it was; nothing is recomputed. If compute or
        draw then raises, every control likewise goes back to its previous value, so the
        controls still describe the figure shown, and the error propagates.
        """
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; the panel has {sorted(self.controls)}")
        before = self.values()
        self._holding = True                 # no update per control: one refresh for all
        try:
            for name, value in values.items():
                _move(name, self.controls[name], value)
            self.refresh()
        except BaseException:
            for name, value in before.items():
                self.controls[name].value = value
            raise
        finally:
            self._holding = False

    def refresh(self) -> None:
        """Recompute with the current values, redraw, and show the new figure.

        Nothing changes (current, previous, figure, text, output) unless compute and draw
        both succeed.
        """
        start = time.perf_counter()
        result = self.compute(**self.values())
        with mpl.rc_context(STYLE):
            fig = Figure(figsize=self.figsize, layout="constrained")
            text = self.draw(fig, result, self.current)
            if text is not None and not isinstance(text, str):
                raise TypeError(f"draw must return None or a str (the text under the figure), "
                                f"got {type(text).__name__} {text!r}")
            # One Agg pass (layout, then pixels) and a PNG of its buffer: the same pixels as
            # fig.savefig, which draws twice with constrained layout (about 20 % slower here).
            canvas = FigureCanvasAgg(fig)
            canvas.draw()
            png = io.BytesIO()
            PIL.Image.fromarray(np.asarray(canvas.buffer_rgba())).save(png, format="png")
        self.previous, self.current, self.figure, self.text = self.current, result, fig, text
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
        """A reader moved a control: update; if that fails, put the control back and re-raise."""
        if self._holding:
            return
        try:
            self.refresh()
        except BaseException:
            self._holding = True
            try:
                change["owner"].value = change["old"]
            finally:
                self._holding = False
            raise

    def _ipython_display_(self) -> None:
        display(self.widget)


def _move(name: str, w: widgets.ValueWidget, value) -> None:
    """Set control ``name`` to ``value``, or raise an error naming it and what it allows.

    ipywidgets does not refuse everything it cannot hold: a slider clamps 50 to its max 20 and
    an IntSlider turns "5" into 5. So the value the widget keeps is compared with the one asked
    for (the caller puts every control back when this raises).
    """
    if hasattr(w, "options"):
        values = [o[1] if isinstance(o, tuple) else o for o in w.options]
        # only an option itself (None would mean "nothing selected", and a one-element numpy
        # array of an option compares equal to it)
        if not any(_same_kind(value, o) and value == o for o in values):
            raise ValueError(f"{name} must be {_allowed(w)}, got {value!r}")
    elif isinstance(value, bool) and not isinstance(w.value, bool):
        raise TypeError(f"{name} must be {_allowed(w)}, got {value!r}")
    try:
        w.value = value
    except traitlets.TraitError:
        error = ValueError if hasattr(w, "options") else TypeError     # not an option / wrong type
        raise error(f"{name} must be {_allowed(w)}, got {value!r}") from None
    if w.value != (tuple(value) if isinstance(value, list) else value):
        raise ValueError(f"{name} must be {_allowed(w)}, got {value!r}")


def _same_kind(value, option) -> bool:
    """Whether ``value`` may stand for ``option``: the same type (np.str_ for str), or both real
    numbers (np.int64 4 for the option 4, 0.5 for np.float64 0.5), but never a bool for a number
    or an array for anything."""
    def real(x):
        return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))
    return isinstance(value, type(option)) or (real(value) and real(option))


def _check_signature(f, name: str, call: str, args: tuple = (), kwargs: dict | None = None) -> None:
    """Raise a TypeError naming ``name`` if ``f`` cannot be called as the panel will call it
    (``call``, e.g. "draw(fig, result, previous)"). Functions whose signature Python cannot
    inspect (some built-ins) are let through."""
    try:
        signature = inspect.signature(f)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(*args, **(kwargs or {}))
    except TypeError as e:
        raise TypeError(f"{name} must accept being called as {call}"
                        f"{' with ' + ', '.join(kwargs) if kwargs else ''}: {e}") from None


def _allowed(w: widgets.ValueWidget) -> str:
    """What control ``w`` accepts, in words, for error messages."""
    if hasattr(w, "options"):                    # Dropdown, SelectionSlider, RadioButtons, ...
        values = [o[1] if isinstance(o, tuple) else o for o in w.options]   # (label, value) pairs
        return f"one of its options {values}"
    if isinstance(w.value, bool):                # Checkbox, ToggleButton
        return "True or False"
    if isinstance(w, widgets.FloatLogSlider):    # its min and max are exponents of base
        return f"a number in [{w.base ** w.min:g}, {w.base ** w.max:g}] (its range)"
    if hasattr(w, "min") and hasattr(w, "max"):
        kind = "an int" if isinstance(w.min, int) else "a number"
        return f"{kind} in [{w.min}, {w.max}] (its range)"
    return f"a value its {type(w).__name__} can hold (now {w.value!r})"


def _display_data(data: dict[str, str]) -> dict:
    """One entry of an Output widget's ``outputs``, in the notebook format (nbformat 4)."""
    return {"output_type": "display_data", "data": data, "metadata": {}}
