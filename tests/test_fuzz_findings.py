"""The last findings of the fuzz test (issue 13), each pinned by a direct test of the behaviour
the fuzz test only classifies: the right answer where one exists, otherwise an error that names
the argument and says what to do."""
import ipywidgets as widgets
import numpy as np
import pytest
import scipy.sparse as sp

from mfedu import als, als_implicit, linalg, metrics, sgd, svdrec, synthetic
from mfedu.data import Ratings, check_ratings, check_test, toy
from mfedu.loss import NotFiniteError, check_model
from mfedu.result import FitResult, check_fit_result
from mfedu.spark import to_fit_result
from mfedu.widgets import Explorer

T = toy()
RNG = np.random.default_rng(0)


# ----------------------------------------------------------------------------- data, synthetic

def test_to_dense_names_fill_for_an_int_beyond_float64():
    with pytest.raises(ValueError, match="fill must be a finite float64 number, got an int of 401 digits"):
        T.to_dense(fill=10**400)
    assert np.isnan(T.to_dense()[0, 3]) and T.to_dense(fill=-np.inf)[0, 3] == -np.inf


def test_check_ratings_and_check_test_name_their_arguments():
    with pytest.raises(TypeError, match="allow_empty must be True or False, got .yes."):
        check_ratings(T, allow_empty="yes")
    with pytest.raises(TypeError, match="train must be an mfedu.data.Ratings, got ndarray"):
        check_test(T, T.to_dense())


def test_ids_refuse_a_boolean_mask():
    with pytest.raises(TypeError, match=r"users must hold integers, got a boolean array .*np.flatnonzero"):
        sgd.conflict_free_batches(T.users > 2, T.items)


def test_write_files_checks_its_arguments_and_creates_the_folder(tmp_path):
    data = synthetic.make_synthetic(seed=1, n_users=20, n_items=40, n_ratings=400)
    with pytest.raises(TypeError, match="data must be an mfedu.synthetic.Synthetic .* got Ratings"):
        synthetic.write_files(T, tmp_path)
    with pytest.raises(TypeError, match="seed must be an int"):
        synthetic.write_files(data, tmp_path, seed=None)
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(NotADirectoryError, match="folder must be a folder, but .*a_file is a file"):
        synthetic.write_files(data, tmp_path / "a_file")
    synthetic.write_files(data, tmp_path / "new" / "deeper", seed=1)
    assert sorted(p.name for p in (tmp_path / "new" / "deeper").iterdir()) == [
        "synthetic_explicit.tsv", "synthetic_implicit.tsv", "synthetic_items.tsv"]


def test_truth_scores_every_item_with_items_none():
    truth = synthetic.make_synthetic(seed=1, n_users=20, n_items=40, n_ratings=400).truth
    every = truth.expected_rating([0, 3], None)
    assert every.shape == (2, 40)
    assert np.allclose(every[1], truth.expected_rating(np.full(40, 3), np.arange(40)))


def test_oracle_rmse_refuses_ratings_that_are_not_stars():
    data = synthetic.make_synthetic(seed=1, n_users=20, n_items=40, n_ratings=400)
    r = data.explicit
    with pytest.raises(ValueError, match="ratings holds values too large"):
        data.truth.oracle_rmse(Ratings(r.users, r.items, r.values * 1e300, *r.shape))


# ----------------------------------------------------------------------------- linalg, svdrec

@pytest.mark.parametrize("value", [5e-324, 1e-300, 1e300])
def test_sparse_truncated_svd_at_extreme_scales(value):
    U, s, Vt = linalg.truncated_svd(sp.csr_matrix(np.full((6, 5), value)), 2)
    assert s[0] == pytest.approx(np.sqrt(30) * value, rel=1e-6, abs=0)


def test_truncated_svd_checks_the_seed_for_dense_input_too():
    with pytest.raises(TypeError, match="seed must be an int"):
        linalg.truncated_svd(RNG.normal(size=(4, 3)), 2, seed="0")


def test_svdrec_choices_must_be_str_and_sizes_fit_in_memory():
    with pytest.raises(TypeError, match=r"impute must be one of .* \(a str\), got ndarray"):
        svdrec.baseline(T, np.array(["item"]))
    big = Ratings([0], [0], [4.0], 100_000, 100_000)
    with pytest.raises(ValueError, match=r"impute\(train\) would need 80.0 GB .* use svd_recommender"):
        svdrec.impute(big)
    with pytest.raises(ValueError, match=r"max_rank must be an int in \[1, min\(n_users, n_items\) - 1 = 5\]"):
        svdrec.rmse_by_rank(T, T, max_rank=0)


# ----------------------------------------------------------------------------- result, metrics

def test_fit_result_log_checks_each_value_and_appends_nothing_on_error():
    model = FitResult(np.ones((6, 1)), np.ones((6, 1)))
    model.log(float("nan"), float("nan"), 0.5, 0.1)            # a diverged row, no train set
    for kw, message in ((dict(loss=True), "loss must be a real number"),
                        (dict(train_rmse=-1.0), "train_rmse must be >= 0"),
                        (dict(test_rmse=np.inf), "test_rmse must be finite or NaN"),
                        (dict(seconds="1"), "seconds must be a real number")):
        row = dict(loss=1.0, train_rmse=0.5, test_rmse=0.6, seconds=0.1) | kw
        with pytest.raises((TypeError, ValueError), match=message):
            model.log(**row)
    assert len(model.history["loss"]) == 1


def test_metrics_accept_a_model_whose_factors_were_replaced_by_lists():
    model = FitResult(np.ones((6, 1)), np.ones((6, 1)), 3.0)
    model.X = [[1.0]] * 6
    assert metrics.model_rmse(model, T) == pytest.approx(metrics.rmse(T.values, np.full(len(T), 4.0)))
    assert isinstance(model.X, np.ndarray)                      # stored back as float64
    model.Y = [["a"]] * 6
    with pytest.raises(TypeError, match="model.Y must hold numbers"):
        metrics.model_rmse(model, T)


def test_check_fit_result_finite_false_lets_a_diverged_model_through():
    model = FitResult(np.ones((6, 1)), np.ones((6, 1)))
    model.X[0, 0] = np.nan
    with pytest.raises(ValueError, match="model.X must contain only finite values"):
        check_fit_result(model)
    assert check_fit_result(model, finite=False) is model
    assert np.isnan(metrics.model_rmse(model, T))
    with pytest.raises(TypeError, match="finite must be True or False, got .no."):
        check_model(np.ones((2, 1)), np.ones((2, 1)), finite="no")


def test_record_iteration_names_train_test_and_on_nonfinite():
    model = FitResult(np.ones((6, 1)), np.ones((6, 1)))
    with pytest.raises(TypeError, match="on_nonfinite must be None or a str"):
        metrics.record_iteration(model, 1.0, 0.1, on_nonfinite=1)
    with pytest.raises(TypeError, match="test must be an mfedu.data.Ratings"):
        metrics.record_iteration(model, 1.0, 0.1, T, "test")


def test_expected_percentile_rank_is_scale_free_up_to_1e308():
    train, test = T.subset(np.arange(len(T)) % 3 != 0), T.subset(np.arange(len(T)) % 3 == 0)
    model = FitResult(RNG.normal(size=(6, 2)), RNG.normal(size=(6, 2)))
    plain = metrics.expected_percentile_rank(model, test, train)
    huge = Ratings(test.users, test.items, test.values * 1e307, *test.shape)
    assert metrics.expected_percentile_rank(model, huge, train) == pytest.approx(plain, rel=1e-12)


# ----------------------------------------------------------------------------- sgd

def test_an_overflowing_sgd_step_raises_instead_of_returning_inf():
    with pytest.raises(NotFiniteError, match="the SGD step overflowed .* x_u, y_i, mu"):
        sgd.sgd_update(4.0, np.full(2, 1e308), np.full(2, -1e308), None, None, 0.0, 0.01, 0.0)


@pytest.mark.parametrize("epoch", [sgd.sgd_epoch, sgd.sgd_epoch_loop])
def test_an_overflowing_epoch_raises_instead_of_leaving_inf(epoch):
    X, Y = np.full((6, 2), 1e154), np.full((6, 2), 1e154)
    with np.errstate(all="ignore"), pytest.raises(NotFiniteError, match="the SGD epoch overflowed"):
        epoch(T, X, Y, lr=1.0, lam=0.0)
    with pytest.raises(ValueError, match="train holds values too large to train on"):
        epoch(Ratings(T.users, T.items, T.values * 1e200, *T.shape), np.zeros((6, 2)), np.zeros((6, 2)), 0.01, 0.1)


def test_sgd_still_reports_divergence_by_naming_lr():
    with pytest.raises(sgd.DivergenceError, match="the learning rate lr = 100 is too large"):
        sgd.sgd(T, rank=2, lr=100.0, lam=0.0, n_epochs=5)


# ----------------------------------------------------------------------------- ALS

def test_als_half_step_refuses_complex_ratings():
    R = sp.csr_matrix(T.to_csr().astype(complex))
    with pytest.raises(TypeError, match="R must be real, got dtype complex128"):
        als.half_step(R, np.ones((6, 2)), 1.0)


def test_confidences_that_round_to_one_name_alpha_and_the_counts():
    with pytest.raises(ValueError, match=r"alpha must make every confidence .* the count 1e-300 in train"):
        als_implicit.als_implicit(Ratings(T.users, T.items, np.full(len(T), 1e-300), *T.shape), rank=1)
    with pytest.raises(ValueError, match=r"alpha must make every confidence 1 \+ alpha log\(1 \+ r / eps\).*smaller eps"):
        als_implicit.confidence_from_counts([1.0], 1.0, "log", eps=1e308)
    with pytest.raises(TypeError, match=r"solver must be one of \('cg', 'exact'\) \(a str\)"):
        als_implicit.als_implicit(T, rank=1, solver=np.array(["cg"]))


def test_implicit_fold_in_overflow_names_its_inputs():
    with pytest.raises(ValueError, match="fold_in overflowed: alpha, lam, Y or the counts"):
        als.fold_in({0: 3.0, 1: 1.0}, np.ones((6, 2)) * 1e200, lam=1.0, alpha=1.0)


# ----------------------------------------------------------------------------- spark, widgets

class _Frame:
    def __init__(self, rows):
        self.rows = rows

    def collect(self):
        return list(self.rows)


class _Model:
    def __init__(self, users, items, rank=2, features=lambda j: [0.5 + j, -0.25]):
        self.rank = rank
        self.userFactors = _Frame([{"id": u, "features": features(j)} for j, u in enumerate(users)])
        self.itemFactors = _Frame([{"id": i, "features": features(j)} for j, i in enumerate(items)])


def test_to_fit_result_checks_spark_factors():
    model = to_fit_result(_Model([0, 2], [1]), 3, 2)
    assert np.array_equal(model.X, [[0.5, -0.25], [0, 0], [1.5, -0.25]])
    for bad, error, message in (
            (_Model([1.5], [0]), TypeError, "model.userFactors ids must be ints"),
            (_Model([0], [2]), ValueError, r"model.itemFactors has the id 2, outside \[0, n_items\)"),
            (_Model([0], [0], features=lambda j: [1.0]), ValueError, "features must each have model.rank = 2"),
            (_Model([0], [0], features=lambda j: [np.nan, 0.0]), ValueError, "model.userFactors features must contain only finite"),
            ("model", TypeError, "model must be a fitted pyspark.ml.recommendation.ALSModel")):
        with pytest.raises(error, match=message):
            to_fit_result(bad, 3, 2)
    with pytest.raises(ValueError, match=r"n_users must be an int in \[1, 10,000,000\]"):
        to_fit_result(_Model([0], [0]), 10**12, 2)
    with pytest.raises(TypeError, match="params must be None or a dict"):
        to_fit_result(_Model([0], [0]), 3, 2, params=[("a", 1)])
    assert to_fit_result(_Model([], []), 3, 2).X.shape == (3, 2)         # nothing trained: zeros


def _panel(**kw):
    controls = {"rank": widgets.IntSlider(value=2, min=1, max=5),
                "impute": widgets.Dropdown(options=["user", "item"], value="user")}
    return Explorer(kw.get("compute", lambda rank, impute: rank), kw.get("draw", lambda fig, r, prev: None),
                    kw.get("controls", controls), **({"figsize": kw["figsize"]} if "figsize" in kw else {}))


def test_explorer_checks_its_functions_keys_and_figsize():
    with pytest.raises(TypeError, match=r"compute must accept being called as compute\(\*\*values\) with rank, impute"):
        _panel(compute=lambda rank: rank)
    with pytest.raises(TypeError, match=r"draw must accept being called as draw\(fig, result, previous\)"):
        _panel(draw=lambda fig: None)
    with pytest.raises(TypeError, match="draw must return None or a str"):
        _panel(draw=lambda fig, r, prev: 3)
    with pytest.raises(TypeError, match="controls must be keyed by names"):
        _panel(controls={1: widgets.IntSlider()}, compute=lambda **kw: 0)
    for figsize in ((1e5, 4), (True, 4), (float("inf"), 4)):
        with pytest.raises(ValueError, match=r"figsize must be \(width, height\) in inches, two numbers in \(0, 40\]"):
            _panel(figsize=figsize)


def test_explorer_set_refuses_none_arrays_and_bools_and_keeps_the_controls():
    panel = _panel()
    for kw, error in ((dict(impute=None), ValueError), (dict(impute=np.array(["item"])), ValueError),
                      (dict(rank=True), TypeError)):
        with pytest.raises(error, match=f"{next(iter(kw))} must be"):
            panel.set(**kw)
        assert panel.values() == {"rank": 2, "impute": "user"}
    panel.set(rank=4, impute="item")
    assert panel.current == 4
    steps = Explorer(lambda lr: lr, lambda fig, r, prev: None,
                     {"lr": widgets.SelectionSlider(options=[1e-3, 4e-3], value=1e-3)})
    steps.set(lr=np.float64(4e-3))                 # a numpy number stands for an equal option
    assert steps.current == 4e-3
    with pytest.raises(ValueError, match="lr must be one of its options"):
        steps.set(lr=True)


def test_checking_a_model_never_replaces_the_arrays_a_trainer_updates():
    model = FitResult(np.ones((6, 1)), np.ones((6, 1)), 3.0, np.zeros(6), np.zeros(6))
    arrays = [model.X, model.Y, model.bu, model.bi]
    check_fit_result(model)
    metrics.model_rmse(model, T)
    assert all(a is b for a, b in zip(arrays, [model.X, model.Y, model.bu, model.bi]))


@pytest.mark.parametrize("train", [sgd.gradient_descent, sgd.adam])
def test_biases_keep_learning_after_the_first_step(train):
    # a regression: the history's model check once swapped model.bu for a copy after step 1,
    # so the trainer went on updating an array the model no longer held
    kw = dict(rank=2, biased=True, lr=1e-3) if train is sgd.gradient_descent else dict(rank=2, biased=True, batch_size=4)
    steps = "n_iters" if train is sgd.gradient_descent else "n_epochs"
    one, five = train(T, **kw, **{steps: 1}), train(T, **kw, **{steps: 5})
    assert not np.allclose(one.bu, five.bu) and not np.allclose(one.bi, five.bi)
    assert five.history["train_rmse"][-1] < one.history["train_rmse"][-1]
