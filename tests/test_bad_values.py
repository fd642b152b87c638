"""Bad values and damaged data: a clear error naming the argument, or the right finite answer.

Grouped as in the issue: 1. linalg at extreme scales, 2. complex input to truncated_svd,
3. the SVD recommender on an exact baseline, 4. metrics, 5. FitResult's attributes,
6. the explorer panel. Never a silent NaN, inf, 0.0 or empty result.
"""
import ipywidgets as widgets
import numpy as np
import pytest
import scipy.sparse as sp

from mfedu import linalg, svdrec
from mfedu.data import Ratings, toy
from mfedu.metrics import (auc, expected_percentile_rank, map_at_k, mae, model_rmse, ndcg_at_k,
                           precision_at_k, ranking_metrics, recall_at_k, rmse)
from mfedu.result import FitResult, check_fit_result
from mfedu.widgets import Explorer

T = toy()
RNG = np.random.default_rng(0)
B = RNG.normal(size=(7, 5))
# Every pytest.approx below sets abs=0: its default abs=1e-12 would accept 0.0 for 1e-200.
Q, _ = np.linalg.qr(RNG.normal(size=(4, 4)))
A = (Q * np.array([5.0, -3.0, 2.0, 0.5])) @ Q.T           # symmetric, distinct |eigenvalues|


def x_y(m=3, n=4, k=2):
    return np.ones((m, k)), np.ones((n, k))


# ----------------------------------------------------------------------------- 1. linalg

def test_eig_sym_at_tiny_scale_gives_the_right_eigenvalues():
    lam, P = linalg.eig_sym(np.diag([1e-200, 5e-201]))
    assert lam == pytest.approx([1e-200, 5e-201], rel=1e-10, abs=0)
    assert np.allclose(np.abs(P), np.eye(2), atol=1e-8)            # eig_sym stops at tol = 1e-10


@pytest.mark.parametrize("scale", [1e-250, 1e-170, 1e170, 1e250])
def test_eig_sym_matches_eigh_at_any_scale(scale):
    lam, P = linalg.eig_sym(A * scale)
    assert lam == pytest.approx([5.0 * scale, -3.0 * scale, 2.0 * scale, 0.5 * scale], rel=1e-8, abs=0)
    assert np.allclose(P.T @ P, np.eye(4), atol=1e-8)


def test_scaling_by_a_power_of_two_changes_no_digit():
    lam, P = linalg.eig_sym(A)
    lam_big, P_big = linalg.eig_sym(A * 2.0 ** 600)
    assert np.array_equal(lam_big, lam * 2.0 ** 600) and np.array_equal(P_big, P)
    U, s, Vt = linalg.svd_via_eig(B)
    U2, s2, Vt2 = linalg.svd_via_eig(B * 2.0 ** -700)
    assert np.array_equal(s2, s * 2.0 ** -700) and np.array_equal(U2, U) and np.array_equal(Vt2, Vt)


def test_eig_sym_of_huge_entries_is_finite_or_a_clear_error():
    lam, _ = linalg.eig_sym(np.full((2, 2), 1e307))
    assert lam[0] == pytest.approx(2e307, rel=1e-12, abs=0) and np.all(np.isfinite(lam))
    with pytest.raises(ValueError, match="A has an eigenvalue too large for float64"):
        linalg.eig_sym(np.full((2, 2), 1e308))                 # the eigenvalue 2e308 has no float


def test_eig_sym_judges_symmetry_at_the_scale_of_a():
    with pytest.raises(ValueError, match=r"A must be symmetric \(A == A.T\)"):
        linalg.eig_sym(np.array([[1e-200, 1e-199], [0.0, 1e-200]]))


@pytest.mark.parametrize("scale", [1e-200, 1e200])
def test_svd_via_eig_at_extreme_scales(scale):
    U, s, Vt = linalg.svd_via_eig(np.eye(3) * scale)
    assert s == pytest.approx([scale] * 3, rel=1e-12, abs=0)
    U, s, Vt = linalg.svd_via_eig(B * scale)
    s0 = np.linalg.svd(B, compute_uv=False) * scale
    assert s == pytest.approx(s0, rel=1e-10, abs=0)
    assert np.allclose((U * s) @ Vt / scale, B, atol=1e-10)


def test_svd_via_eig_overflowing_singular_value_is_a_clear_error():
    with pytest.raises(ValueError, match="B has a singular value too large for float64"):
        linalg.svd_via_eig(np.full((2, 2), 1e308))


@pytest.mark.parametrize("flag", ["no", 1, None])
def test_svd_via_eig_full_matrices_must_be_a_bool(flag):
    with pytest.raises(TypeError, match="full_matrices must be True or False"):
        linalg.svd_via_eig(B, full_matrices=flag)


ECKART_YOUNG_BAD = [
    (("abc", 1), TypeError, "s must be a 1-D array, got str"),
    (([1j, 1.0], 1), TypeError, "s must be real, got dtype complex128"),
    ((["a", "b"], 1), TypeError, "s must hold numbers"),
    (([3.0, np.nan], 1), ValueError, "s must contain only finite values"),
    (([], 0), ValueError, "s must be a non-empty 1-D array"),
    (([3.0, 1.0], "2"), TypeError, "rank must be an int, got str '2'"),
    (([3.0, 1.0], 1.0), TypeError, "rank must be an int"),
    (([1.7e308, 1.7e308], 0), ValueError, "s has an error .* too large for float64"),
]


@pytest.mark.parametrize("args, error, message", ECKART_YOUNG_BAD)
def test_eckart_young_error_bad_values(args, error, message):
    with pytest.raises(error, match=message):
        linalg.eckart_young_error(*args)


@pytest.mark.parametrize("sigma", [1e200, 1e-200])
def test_eckart_young_error_neither_overflows_nor_underflows(sigma):
    error = linalg.eckart_young_error([5.0 * sigma, sigma, sigma], 1)
    assert error == pytest.approx(np.sqrt(2) * sigma, rel=1e-14, abs=0)


def test_low_rank_that_overflows_is_a_clear_error():
    with pytest.raises(ValueError, match="too large for float64"):
        linalg.low_rank(np.full((2, 2), 1e308), 1)


# ----------------------------------------------------------------------------- 2. truncated_svd

@pytest.mark.parametrize("make", [np.asarray, sp.csr_matrix, sp.coo_matrix], ids=["dense", "csr", "coo"])
def test_truncated_svd_rejects_complex_input(make):
    with pytest.raises(TypeError, match="B must be real, got dtype complex128"):
        linalg.truncated_svd(make(np.eye(4) * (1 + 2j)), 1)


@pytest.mark.parametrize("scale", [1e-300, 1e300])
def test_sparse_truncated_svd_at_extreme_scales(scale):
    _, s, _ = linalg.truncated_svd(sp.csr_matrix(B * scale), 2)
    assert s == pytest.approx(np.linalg.svd(B, compute_uv=False)[:2] * scale, rel=1e-10, abs=0)


def test_sparse_truncated_svd_of_the_zero_matrix():
    U, s, Vt = linalg.truncated_svd(sp.csr_matrix((5, 4)), 2)
    assert np.array_equal(s, [0.0, 0.0])
    assert np.allclose(U.T @ U, np.eye(2)) and np.allclose(Vt @ Vt.T, np.eye(2))


# ----------------------------------------------------------------------------- 3. svdrec

@pytest.mark.parametrize("how, values", [("global", [3.0] * 5), ("user", [4.0, 4.0, 2.0, 2.0, 5.0]),
                                         ("zero", [0.0] * 5)])
def test_svd_recommender_when_the_baseline_is_exact(how, values):
    r = Ratings([0, 0, 1, 1, 2], [0, 2, 1, 3, 0], values, 3, 4)
    model = svdrec.svd_recommender(r, rank=2, impute=how, test=r)
    mu, bu, bi = svdrec.baseline(r, how)
    assert np.array_equal(model.X, np.zeros((3, 2)))
    assert np.allclose(model.Y.T @ model.Y, np.eye(2))            # Y = V_k: orthonormal columns
    assert np.array_equal(model.predict(r.users, r.items), r.values)
    assert model.history["loss"] == [0.0] and model.history["test_rmse"] == [0.0]
    assert np.array_equal(svdrec.rmse_by_rank(r, r, 2)["test_rmse"], [0.0, 0.0, 0.0])


def test_svd_recommender_at_extreme_scales():
    tiny = Ratings(T.users, T.items, T.values * 1e-200, *T.shape)
    sweep = svdrec.rmse_by_rank(tiny, tiny, 3)
    normal = svdrec.rmse_by_rank(T, T, 3)
    assert sweep["train_rmse"] == pytest.approx(normal["train_rmse"] * 1e-200, rel=1e-8, abs=0)
    assert np.all(sweep["train_rmse"] > 0)                         # not squared to 0
    huge = Ratings(T.users, T.items, T.values * 1e200, *T.shape)
    with pytest.raises(ValueError, match=r"train holds values too large to train on \(largest "
                                         r"\|value\| = 5e\+200, the limit is 1e\+100\)"):
        svdrec.svd_recommender(huge, rank=2)


SVDREC_BAD = [
    (lambda: svdrec.top_n("model", 0, T), TypeError, "model must be an mfedu.result.FitResult, got str"),
    (lambda: svdrec.top_n(FitResult(*x_y(6, 6)), 0, Ratings([0], [0], [1.0], 6, 7)), ValueError,
     r"train must have the model's shape \(6, 6\), got \(6, 7\)"),
    (lambda: svdrec.top_n(FitResult(*x_y(6, 6)), 0, [1, 2]), TypeError, "train must be an mfedu.data.Ratings"),
    (lambda: svdrec.top_n(FitResult(*x_y(6, 6)), 6, T), ValueError, r"user must be an int in \[0, 5\]"),
]


@pytest.mark.parametrize("call, error, message", SVDREC_BAD)
def test_svdrec_bad_values(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----------------------------------------------------------------------------- 4. metrics

METRICS_BAD = [
    (lambda: rmse([1j, 2.0], [1.0, 2.0]), TypeError, "y_true must be real, got dtype complex128"),
    (lambda: rmse([1.0, 2.0], np.array([1.0, 2.0 + 1e-3j])), TypeError, "y_pred must be real"),
    (lambda: mae([1.0], [1j]), TypeError, "y_pred must be real"),
    (lambda: rmse([1e308], [-1e308]), ValueError, "y_pred is too far from y_true for float64: "
     r"the error y_true - y_pred overflows at position 0"),
    (lambda: mae([0.0, -1.5e308], [0.0, 1.5e308]), ValueError, "overflows at position 1"),
    (lambda: model_rmse("m", T), TypeError, "model must be an mfedu.result.FitResult, got str"),
    (lambda: model_rmse(FitResult(*x_y(6, 6)), [1, 2]), TypeError, "ratings must be an mfedu.data.Ratings"),
    (lambda: model_rmse(FitResult(*x_y(5, 6)), T), ValueError, r"ratings must have the model's shape \(5, 6\)"),
]


@pytest.mark.parametrize("call, error, message", METRICS_BAD)
def test_metrics_bad_values(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_error_metrics_are_finite_and_right_at_extreme_scales():
    assert rmse([1e200, -1e200], [0.0, 0.0]) == pytest.approx(1e200, rel=1e-15, abs=0)      # e^2 = 1e400
    assert mae([1.5e308, 1.5e308], [0.0, 0.0]) == pytest.approx(1.5e308, rel=1e-15, abs=0)  # sum = 3e308
    assert rmse([3e-200, 0.0], [-1e-200, 0.0]) == pytest.approx(np.sqrt(8) * 1e-200, rel=1e-15, abs=0)
    assert mae([2.0, 4.0], [1.0, 1.0]) == 2.0 and rmse([1.0, 2.0], [1.0, 2.0]) == 0.0
    e = np.random.default_rng(1).normal(size=50)                  # scaling by 2^k moves no digit
    assert rmse(e, np.zeros(50)) == float(np.sqrt(np.mean(e ** 2)))
    assert mae(e, np.zeros(50)) == float(np.mean(np.abs(e)))


def test_model_rmse_is_nan_only_for_a_diverged_model():
    model = FitResult(np.full((6, 1), 1e200), np.full((6, 1), 1e200))   # finite; x . y overflows
    assert np.isnan(model_rmse(model, T))
    ok = FitResult(np.zeros((6, 1)), np.zeros((6, 1)), mu=3.0)
    assert model_rmse(ok, T) == pytest.approx(rmse(T.values, np.full(len(T), 3.0)), rel=1e-12)


# Two users, six items: user 0 has test items 2 and 5 and training item 0; user 1 has item 0.
TEST = Ratings([0, 0, 1], [2, 5, 0], [1.0, 3.0, 2.0], 2, 6)
TRAIN = Ratings([0], [0], [1.0], 2, 6)
RANKERS = [
    lambda m: precision_at_k(m, TEST, TRAIN, k=2), lambda m: recall_at_k(m, TEST, TRAIN, k=2),
    lambda m: map_at_k(m, TEST, TRAIN, k=2), lambda m: ndcg_at_k(m, TEST, TRAIN, k=2),
    lambda m: auc(m, TEST, TRAIN), lambda m: expected_percentile_rank(m, TEST, TRAIN),
    lambda m: ranking_metrics(m, TEST, TRAIN, k=2)]
NAMES = ["precision", "recall", "map", "ndcg", "auc", "epr", "all"]


def damaged(attribute, value):
    """A valid model whose attribute was changed afterwards (as a diverging trainer may do)."""
    model = FitResult(np.ones((2, 1)), np.ones((6, 1)), 3.0, np.zeros(2), np.zeros(6))
    setattr(model, attribute, value)
    return model


@pytest.mark.parametrize("metric", RANKERS, ids=NAMES)
@pytest.mark.parametrize("model, message", [
    (damaged("mu", np.nan), "model.mu must be finite, got nan"),
    (damaged("bi", np.r_[np.inf, np.zeros(5)]), "model.bi must contain only finite values"),
    (damaged("X", np.array([[1.0], [np.nan]])), r"model.X must contain only finite values \(no NaN or inf\)"),
    (damaged("bu", np.zeros(3)), "model.bu must have length n_users = 2, got 3"),
    (FitResult(np.full((2, 1), 1e200), np.full((6, 1), 1e200)), "model gives a score that is not finite"),
    (np.array([[0.1, 0.2, np.nan, 0.0, 0.0, 0.0], [0.0] * 6]), "model must contain only finite values"),
], ids=["mu nan", "bi inf", "X nan", "bu length", "overflow", "score nan"])
def test_ranking_metrics_reject_non_finite_models(metric, model, message):
    with pytest.raises(ValueError, match=message):
        metric(model)


def test_ranking_metric_of_a_finite_model_is_not_zero_by_accident():
    model = FitResult(np.zeros((2, 1)), np.zeros((6, 1)), 0.0, None, np.array([0, 0, 5.0, 0, 0, 4.0]))
    assert precision_at_k(model, TEST, TRAIN, k=2) == pytest.approx((1.0 + 0.0) / 2)


def test_auc_says_why_it_is_undefined():
    every_candidate_relevant = Ratings([0] * 5, [1, 2, 3, 4, 5], [1.0] * 5, 2, 6)
    with pytest.raises(ValueError, match=r"auc is undefined here: for every test user, each candidate "
                                         r"item \(an item not in train\) is a test item"):
        auc(np.ones((2, 6)), every_candidate_relevant, TRAIN)


# ----------------------------------------------------------------------------- 5. FitResult

FIT_BAD = [
    (dict(mu=np.nan), ValueError, "mu must be finite, got nan"),
    (dict(mu=-np.inf), ValueError, "mu must be finite, got -inf"),
    (dict(mu=None), TypeError, "mu must be a real number, got NoneType"),
    (dict(mu="3.5"), TypeError, "mu must be a real number, got str"),
    (dict(mu=[3.5]), TypeError, "mu must be a real number, got list"),
    (dict(mu=1 + 2j), TypeError, "mu must be a real number, got complex"),
    (dict(bu=[0.0, np.nan, 0.0]), ValueError, "bu must contain only finite values, got nan at position 1"),
    (dict(bi=np.full(4, np.inf)), ValueError, "bi must contain only finite values"),
    (dict(bu="abc"), TypeError, "bu must be a 1-D array, got str"),
    (dict(bi=["a", "b", "c", "d"]), TypeError, "bi must hold numbers"),
    (dict(bu=np.zeros(3, dtype=complex)), TypeError, "bu must be real, got dtype complex128"),
    (dict(bi=[0.0, 1.0, 2.0]), ValueError, "bi must have length n_items = 4, got 3"),
    (dict(bu=np.zeros((3, 1))), ValueError, r"bu must be 1-D, got shape \(3, 1\)"),
    (dict(bu=3.0), TypeError, "bu must be a 1-D array, got float"),
    (dict(X="abc"), TypeError, "X must be a 2-D numpy array, got str"),
    (dict(X=np.ones(3)), ValueError, r"X must be 2-D, got shape \(3,\)"),
    (dict(Y=np.full((4, 2), np.inf)), ValueError, r"Y must contain only finite values \(no NaN or inf\)"),
    (dict(Y=np.ones((4, 2), dtype=complex)), TypeError, "Y must be real"),
    (dict(X=np.ones((0, 2))), ValueError, "X must not be empty"),
    (dict(history=None), TypeError, "history must be a dict, got NoneType"),
    (dict(history={"loss": []}), ValueError, "history must have exactly the keys"),
    (dict(params=["rank", 2]), TypeError, "params must be a dict, got list"),
]


@pytest.mark.parametrize("change, error, message", FIT_BAD, ids=[str(c) for c, _, _ in FIT_BAD])
def test_fit_result_names_the_bad_attribute(change, error, message):
    X, Y = x_y()
    fields = dict(X=X, Y=Y, mu=3.0, bu=np.zeros(3), bi=np.zeros(4)) | change
    with pytest.raises(error, match=message):
        FitResult(**fields)


def test_fit_result_converts_lists_and_accepts_a_biases_only_model():
    model = FitResult([[1.0], [2.0], [0.0]], [[1.0], [0.0], [0.5], [1.0]], 3, [0.5, 0, -0.5], [0, 1, 2, 3])
    assert model.mu == 3.0 and isinstance(model.mu, float)
    assert model.bu.dtype == np.float64 and model.bi.dtype == np.float64 and model.X.dtype == np.float64
    baseline = FitResult(np.zeros((3, 0)), np.zeros((4, 0)), 3.0, [0.5, 0.0, -0.5], [0.0, 1.0, 2.0, 3.0])
    assert baseline.rank == 0
    assert np.array_equal(baseline.scores(0), [3.5, 4.5, 5.5, 6.5])
    assert baseline.recommend(0, k=2).tolist() == [3, 2]


def test_check_fit_result():
    model = FitResult(*x_y())
    assert check_fit_result(model) is model
    with pytest.raises(TypeError, match="trained must be an mfedu.result.FitResult, got dict"):
        check_fit_result({"X": 1}, "trained")
    model.mu = np.inf
    with pytest.raises(ValueError, match="model.mu must be finite, got inf"):
        check_fit_result(model)


def test_recommend_returns_k_items_whenever_k_are_left():
    model = FitResult(np.zeros((2, 1)), np.zeros((5, 1)))           # every score equal: all ties
    assert model.recommend(0, k=3).tolist() == [0, 1, 2]
    seen = Ratings([0, 0, 0, 1, 1, 1, 1, 1], [0, 2, 4, 0, 1, 2, 3, 4], [1.0] * 8, 2, 5)
    assert model.recommend(0, k=3, exclude=seen).tolist() == [1, 3]  # only two left: documented
    assert model.recommend(1, k=3, exclude=seen).tolist() == []      # user 1 rated every item


def test_overflowing_predictions_are_a_clear_error():
    # FitResult checks its attributes; the overflow itself is caught by mfedu.loss.predict
    model = FitResult(np.full((2, 1), 1e200), np.full((3, 1), 1e200))
    for call in (lambda: model.predict([0], [1]), lambda: model.scores(0), lambda: model.recommend(0)):
        with pytest.raises(ValueError, match="overflow"):
            call()


# ----------------------------------------------------------------------------- 6. widgets

def panel(fail_on=None):
    """An Explorer over a slider k in [1, 20], a slider lam in [0, 5] and a dropdown label;
    compute raises for lam == fail_on, draw raises for k == 13."""
    calls = []

    def compute(k, lam, label):
        calls.append((k, lam, label))
        if lam == fail_on:
            raise RuntimeError("compute failed")
        return {"k": k, "lam": lam, "label": label}

    def draw(fig, cur, prev):
        if cur["k"] == 13:
            raise RuntimeError("draw failed")
        return f"k = {cur['k']}, lam = {cur['lam']}, label = {cur['label']}"

    controls = {"k": widgets.IntSlider(value=3, min=1, max=20),
                "lam": widgets.FloatSlider(value=1.0, min=0.0, max=5.0),
                "label": widgets.Dropdown(options=[("first", "a"), ("second", "b")])}
    return Explorer(compute, draw, controls), calls


def unchanged(p, calls, n_calls):
    first = {"k": 3, "lam": 1.0, "label": "a"}
    return (p.values() == first and p.current == first
            and p.text == "k = 3, lam = 1.0, label = a" and len(calls) == n_calls)


@pytest.mark.parametrize("values, error, message", [
    (dict(k=50), ValueError, r"k must be an int in \[1, 20\] \(its range\), got 50"),
    (dict(k=0), ValueError, r"k must be an int in \[1, 20\]"),
    (dict(k=2.5), ValueError, r"k must be an int in \[1, 20\]"),
    (dict(lam=-1.0), ValueError, r"lam must be a number in \[0.0, 5.0\] \(its range\), got -1.0"),
    (dict(lam=np.nan), ValueError, r"lam must be a number in \[0.0, 5.0\]"),
    (dict(label="c"), ValueError, r"label must be one of its options \['a', 'b'\], got 'c'"),
    (dict(k=4, lam="x"), TypeError, r"lam must be a number in \[0.0, 5.0\] \(its range\), got 'x'"),
    (dict(k=4, label="a", lam=9.0), ValueError, "lam must be a number"),
])
def test_explorer_set_refuses_values_a_control_cannot_hold(values, error, message):
    p, calls = panel()
    figure = p.figure
    with pytest.raises(error, match=message):
        p.set(**values)
    assert unchanged(p, calls, 1) and p.figure is figure          # nothing moved, nothing recomputed
    p.set(k=4, label="b")                                          # and the panel still works
    assert p.values()["k"] == 4 and p.current["label"] == "b" and p.previous["k"] == 3


@pytest.mark.parametrize("values, message", [(dict(k=5, lam=4.0), "compute failed"),
                                             (dict(k=13, label="b"), "draw failed")])
def test_explorer_set_restores_the_controls_when_the_update_fails(values, message):
    p, calls = panel(fail_on=4.0)
    figure, outputs = p.figure, p.output.outputs
    with pytest.raises(RuntimeError, match=message):
        p.set(**values)
    assert unchanged(p, calls, 2) and p.figure is figure and p.output.outputs == outputs
    assert p.previous is None and len(p.seconds) == 1


def test_explorer_restores_a_control_moved_by_the_reader_when_the_update_fails():
    p, calls = panel(fail_on=4.0)
    with pytest.raises(RuntimeError, match="compute failed"):
        p.controls["lam"].value = 4.0                              # as if dragged in the notebook
    assert unchanged(p, calls, 2)
    p.controls["lam"].value = 2.0
    assert p.current["lam"] == 2.0 and len(calls) == 3


def compute_k(k):
    return k


def draw_nothing(fig, cur, prev):
    return None


@pytest.mark.parametrize("args, kwargs, error, message", [
    ((compute_k, draw_nothing), dict(controls=[widgets.IntSlider()]), TypeError,
     "controls must be a dict of ipywidgets by name.*got list"),
    ((compute_k, draw_nothing, widgets.IntSlider()), {}, TypeError, "controls must be a dict"),
    (("compute", draw_nothing, {"k": widgets.IntSlider()}), {}, TypeError,
     "compute must be a function, got str"),
    ((compute_k, None, {"k": widgets.IntSlider()}), {}, TypeError, "draw must be a function, got NoneType"),
    ((compute_k, draw_nothing, {"k": widgets.IntSlider()}), dict(figsize=(11, 0)), ValueError,
     r"figsize must be \(width, height\) in inches"),
])
def test_explorer_names_a_bad_argument(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        Explorer(*args, **kwargs)
