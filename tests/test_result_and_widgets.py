import ipywidgets as widgets
import numpy as np
import pytest

from mfedu import plots
from mfedu.data import Ratings
from mfedu.result import HISTORY_KEYS, FitResult
from mfedu.widgets import Explorer


def model(biased=True):
    X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    Y = np.array([[1.0, 1.0], [2.0, 0.0], [0.0, 0.5], [0.0, 0.0]])
    if biased:
        return FitResult(X, Y, 3.0, np.array([0.1, -0.1, 0.0]), np.array([0.0, 0.2, -0.2, 0.5]))
    return FitResult(X, Y)


def test_predict_is_mu_plus_biases_plus_dot_product():
    m = model()
    users, items = np.array([0, 1, 2, 2]), np.array([0, 1, 2, 3])
    by_hand = [3.0 + m.bu[u] + m.bi[i] + m.X[u] @ m.Y[i] for u, i in zip(users, items)]
    assert np.allclose(m.predict(users, items), by_hand)
    assert np.allclose(model(False).predict([0], [1]), [2.0])
    assert np.allclose(m.scores(2), m.predict([2, 2, 2, 2], [0, 1, 2, 3]))


def test_recommend_orders_and_excludes():
    m = model()
    assert m.recommend(2, k=4).tolist() == [1, 0, 3, 2]     # scores 5.2, 5.0, 3.5, 3.3
    seen = Ratings([2, 2, 0], [0, 3, 1], [5.0, 4.0, 1.0], 3, 4)
    assert m.recommend(2, k=2, exclude=seen).tolist() == [1, 2]
    # asking for more than the unrated items returns only those
    assert m.recommend(2, k=4, exclude=seen).tolist() == [1, 2]
    with pytest.raises(ValueError, match="exclude must have shape"):
        m.recommend(0, 2, exclude=Ratings([0], [0], [1.0], 5, 5))


def test_history_log_and_validation():
    m = model()
    m.log(1.0, 0.9, float("nan"), 0.01)
    m.log(0.5, 0.8, 0.95, 0.02)
    assert m.history["loss"] == [1.0, 0.5] and np.isnan(m.history["test_rmse"][0])
    assert set(m.history) == set(HISTORY_KEYS)
    with pytest.raises(ValueError, match=r"X must contain only finite values \(no NaN or inf\)"):
        FitResult(np.array([[np.nan]]), np.ones((2, 1)))
    with pytest.raises(ValueError, match="same number of columns"):
        FitResult(np.ones((2, 2)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="bi must have length n_items = 2, got 3"):
        FitResult(np.ones((2, 1)), np.ones((2, 1)), bi=np.zeros(3))


def explorer():
    calls = []

    def compute(k, label):
        calls.append((k, label))
        return {"k": k, "y": np.arange(5.0) ** (k / 3)}

    def draw(fig, cur, prev):
        ax = fig.subplots()
        plots.curve(ax, range(5), cur["y"], plots.TRAIN, "now")
        if prev is not None:
            plots.curve(ax, range(5), prev["y"], plots.TRAIN, "now", ghost=True)
        return f"k = {cur['k']}"

    slider = widgets.IntSlider(value=3, min=1, max=9, continuous_update=True)
    panel = Explorer(compute, draw, {"k": slider, "label": widgets.Dropdown(options=["a", "b"])})
    return panel, calls, slider


def test_explorer_recomputes_and_keeps_the_previous_run():
    panel, calls, slider = explorer()
    assert calls == [(3, "a")] and panel.text == "k = 3" and panel.previous is None
    assert slider.continuous_update is False          # recompute on release only
    slider.value = 5                                  # as if a reader moved the slider
    assert calls[-1] == (5, "a") and panel.previous["k"] == 3 and panel.current["k"] == 5
    panel.set(k=7, label="b")                         # two controls, ONE recomputation
    assert calls[-1] == (7, "b") and len(calls) == 3
    assert panel.previous["k"] == 5 and len(panel.seconds) == 3
    ax = panel.figure.axes[0]
    assert [line.get_label() for line in ax.lines] == ["now", "now (previous)"]
    assert ax.lines[1].get_alpha() == plots.GHOST["alpha"]
    # the panel's output holds exactly the new figure and its text, not every past one
    kinds = [sorted(o["data"]) for o in panel.output.outputs]
    assert kinds == [["image/png", "text/plain"], ["text/html", "text/plain"]]
    assert "k = 7" in panel.output.outputs[1]["data"]["text/html"]


def test_explorer_rejects_bad_controls():
    with pytest.raises(ValueError, match="controls must name at least one widget"):
        Explorer(lambda: None, lambda *a: None, {})
    with pytest.raises(TypeError, match=r"controls\['k'\] must be an ipywidgets value widget"):
        Explorer(lambda k: None, lambda *a: None, {"k": 3})
    panel, _, _ = explorer()
    with pytest.raises(ValueError, match=r"unknown control\(s\) \['rank'\]"):
        panel.set(rank=3)


def test_model_rmse_is_nan_without_data_or_with_non_finite_predictions():
    from mfedu.metrics import model_rmse
    r = Ratings([0, 1], [1, 0], [4.0, 2.0], 2, 2)
    model = FitResult(np.array([[1.0], [2.0]]), np.array([[1.0], [2.0]]))   # predicts 2 and 2
    assert model_rmse(model, r) == pytest.approx(np.sqrt((2.0 ** 2 + 0.0) / 2))
    assert np.isnan(model_rmse(model, None))
    model.Y[0, 0] = np.inf                                                 # a diverged model
    assert np.isnan(model_rmse(model, r))
