"""Bad input to the self-checks (mfedu.checks), the two kinds treated differently:

* the reader's answer: anything at all (None, a str, a ragged list, complex numbers, NaN, 1e300,
  the wrong shape...) gets a Feedback, never an exception, and never "Correct";
* the problem's arguments, from the notebook's author: a bad one raises a TypeError or
  ValueError whose message starts with the argument's name, even when the answer would match.
"""
import re
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from scipy.special import ndtr
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from mfedu import checks
from mfedu.advanced import implicit_matrix, svdpp_gradients
from mfedu.als import als_explicit, fold_in, user_step
from mfedu.als_implicit import user_step as implicit_step
from mfedu.bpr import bpr as _bpr, sample_triples as _sample_triples, sigmoid as _sigmoid
from mfedu.checks import Feedback
from mfedu.data import Ratings, load_synthetic, toy
from mfedu.loss import gradients, mf_loss
from mfedu.sgd import sgd_update
from mfedu.svdrec import impute

from checkutil import verdict      # tests/checkutil.py

# ----------------------------------------------------------------------------- one problem per check

TOY = toy()
RNG = np.random.default_rng(0)
B = RNG.normal(size=(5, 3))
U_B, S_B, VT_B = np.linalg.svd(B, full_matrices=False)
X, Y = RNG.normal(size=(6, 2)), RNG.normal(size=(6, 2))
BU, BI = np.linspace(-0.5, 0.5, 6), np.linspace(0.3, -0.3, 6)
MODEL = als_explicit(TOY, rank=2, lam=0.1, biased=True, weighted=True)
X_EX10, YI_EX10, YJ_EX10 = np.array([0.5, -1.0]), np.array([1.0, 0.2]), np.array([-0.3, 0.4])
BPR10 = _bpr(TOY, rank=2, n_epochs=20, lr=0.5, lam=0.0, seed=0)
TRIPLES10 = _sample_triples(TOY, 200, "uniform", seed=1)
NEW = {0: 5.0, 2: 4.0, 5: 1.0}
Y_IMPLICIT = RNG.normal(size=(30, 4))
SYN = load_synthetic()
Y_SPARK = RNG.normal(0.0, 0.7, size=(SYN.n_items, 3)).astype(np.float32)


def right_loss(R, X, Y, lam):
    seen = ~np.isnan(R)
    return np.sum((R - X @ Y.T)[seen] ** 2) + lam * (np.sum(X ** 2) + np.sum(Y ** 2))


def damped(train, beta):
    sums = np.bincount(train.items, weights=train.values, minlength=train.n_items)
    return (sums + beta * train.values.mean()) / (train.item_counts() + beta)


dev = TOY.users == 3                          # user 3 (Dev) for normal_equations
THRESHOLDS = np.array([2.269, 2.892, 3.728, 4.697])      # cut points between stars (expected_stars)
V_UNIT = np.linspace(1.0, 2.0, 6) / np.linalg.norm(np.linspace(1.0, 2.0, 6))     # shrink_factor
N_TOY = implicit_matrix(TOY)                                                       # z_gradient (09)
Z_TOY = np.random.default_rng(9).normal(size=(6, 2))      # its own rng: RNG's later draws unchanged
TR09 = Ratings(np.array([0, 0, 1]), np.array([0, 1, 2]), np.array([4.0, 3.0, 5.0]), 2, 3,
               times=np.array([0, 86_400, 0]))
TE09 = Ratings(np.array([0, 1]), np.array([2, 0]), np.array([2.0, 1.0]), 2, 3, times=np.array([86_405, 259_200]))

# name: (the problem's arguments, the correct answer). Every check of mfedu.checks is here.
PROBLEMS = {
    "density": (dict(ratings=TOY), len(TOY) / 36),
    "most_rated": (dict(ratings=TOY), int(np.argmax(TOY.item_counts()))),
    "singular_values": (dict(B=B), S_B),
    "left_vectors": (dict(B=B, s=S_B, Vt=VT_B), U_B),
    "eckart_young": (dict(s=S_B, rank=1), np.sqrt(S_B[1] ** 2 + S_B[2] ** 2)),
    "top_unseen": (dict(scores=np.array([5.0, 1.0, 4.0, 3.0, 2.0, 0.5]), train=TOY, user=0, n=2),
                   np.array([3, 5])),
    "user_mean_impute": (dict(train=TOY), impute(TOY, "user")),
    "damped_item_means": (dict(train=TOY, beta=5.0), damped(TOY, 5.0)),
    "mf_loss_value": (dict(ratings=TOY, X=X, Y=Y, lam=0.5, mu=3.0, bu=BU, bi=BI),
                      mf_loss(TOY, X, Y, 0.5, 3.0, BU, BI)),
    "tiny_minimum": (dict(r=2.0, lam=0.5), (np.sqrt(1.5), np.sqrt(1.5))),
    "dense_loss": (dict(ratings=TOY, lam=0.5), right_loss),
    "item_gradient": (dict(ratings=TOY, X=X, Y=Y, lam=0.5, item=3), gradients(TOY, X, Y, 0.5)["Y"][3]),
    "bias_step_limit": (dict(n_u=197, lam=10.0), 1 / 207),
    "sgd_update": (dict(r_ui=5.0, x_u=X[0], y_i=Y[0], b_u=0.1, b_i=-0.2, mu=3.0, lr=0.05, lam=0.1),
                   sgd_update(5.0, X[0], Y[0], 0.1, -0.2, 3.0, 0.05, 0.1)),
    "plain_lambda": (dict(lam_sgd=0.12, n_u=85), 0.12 * 85),
    "normal_equations": (dict(ratings=TOY, Y=Y, lam=0.5, user=3),
                         user_step(Y[TOY.items[dev]], TOY.values[dev], 0.5)),
    "fold_in_biased": (dict(ratings_of_new_user=NEW, Y=MODEL.Y, lam=0.1, mu=MODEL.mu, bi=MODEL.bi),
                       fold_in(NEW, MODEL.Y, 0.1, weighted=True, mu=MODEL.mu, bi=MODEL.bi)),
    "preference_confidence": (dict(r=np.array([0.0, 3.0, 0.0, 1.0, 12.0]), alpha=0.5),
                              (np.array([0.0, 1, 0, 1, 1]), np.array([1.0, 2.5, 1.0, 1.5, 7.0]))),
    "precision_one_user": (dict(scores=np.array([9.0, 8.5, 8.0, 7.0, 1.0, 6.0, 2.0, 3.0, 0.5, 5.5, 0.2, 0.1]),
                                train_items=[0, 1, 2], test_items=[3, 5, 9, 11], k=4), 3 / 4),
    "implicit_user_step": (dict(Y=Y_IMPLICIT, items=[2, 7, 11, 20], counts=[1.0, 5.0, 2.0, 30.0], lam=3.0, alpha=0.4),
                           implicit_step(Y_IMPLICIT, [2, 7, 11, 20], 1 + 0.4 * np.array([1.0, 5.0, 2.0, 30.0]), 3.0)),
    "spark_blocks": (dict(ratings=SYN, user=6, n_user_blocks=4, n_item_blocks=10),
                     (2, {int(i) % 10 for i in SYN.items[SYN.users == 6]})),
    "fold_in_spark": (dict(new_ratings={5: 4.0, 17: 5.0, 23: 2.0, 42: 3.0}, Y=Y_SPARK, reg_param=0.1),
                      user_step(Y_SPARK[[5, 17, 23, 42]], [4.0, 5.0, 2.0, 3.0], 0.1 * 4)),
    "power_steps": (dict(eigenvalues=np.array([5.0, 1.0, -4.0]), shrink=1e-6), np.log(1e-6) / np.log(0.8)),
    "expected_stars": (dict(score=2.8, thresholds=THRESHOLDS, sigma=0.8),
                       1 + float(np.sum(ndtr((2.8 - THRESHOLDS) / 0.8)))),
    "oracle_bound": (dict(), "e"),
    "identical_start": (dict(ratings=SYN, item=50, reg_param=0.12), float(SYN.values[SYN.items == 50].mean()) / 1.12),
    "calibration_slope": (dict(prediction=np.array([0.0, 1.0, 2.0, 3.0]), truth=np.array([0.0, 2.0, 3.0, 7.0])), 2.2),
    "batch_levels": (dict(users=[0, 1, 0, 2, 1, 2, 0, 3], items=[0, 0, 1, 1, 5, 2, 2, 4]), [1, 2, 2, 3, 3, 4, 5, 1]),
    "step_regimes": (dict(etas=[2e-3, 3.5e-3, 5e-3, 7e-3, 8e-3], n_ratings=120, lam=10.0),
                     ["monotone", "monotone", "zigzag", "zigzag", "diverge"]),
    "symmetric_start": (dict(rank=4), 1),
    "cg_steps_to_exact": (dict(k=16, n_played=3), 4),
    "ap_ndcg_one_user": (dict(hits=np.array([0, 1, 1, 0, 0, 1, 0, 0, 0, 0]), n_relevant=4),
                         ((1 / 2 + 2 / 3 + 3 / 6) / 4, (1 / np.log2(3) + 1 / np.log2(4) + 1 / np.log2(7))
                          / np.sum(1 / np.log2(np.arange(2, 6))))),
    "alpha_for_rescaled_counts": (dict(alpha=0.2, lam=30.0, factor=10.0), (0.02, 30.0)),
    "shrink_factor": (dict(v=V_UNIT, train=TOY, user=0), float(np.sum(V_UNIT[[0, 1, 2, 4]] ** 2))),
    "factor_strengths": (dict(R=TOY.to_dense(fill=3.0), rank=4, lam=2.5),
                         np.maximum(np.linalg.svd(TOY.to_dense(fill=3.0), compute_uv=False)[:4] - 2.5, 0.0)),
    "weight_decay_lambda": (dict(weight_decay=1e-4, n_ratings=80_000), 4.0),
    "z_gradient": (dict(train=TOY, N=N_TOY, X=X, Y=Y, Z=Z_TOY, mu=3.0, bu=BU, bi=BI, lam_z=0.5, item=2),
                   svdpp_gradients(TOY, N_TOY, X, Y, Z_TOY, 3.0, BU, BI, 0.0, 0.5)["Z"][2]),
    "day_offsets_time_split": (dict(train=TR09, test=TE09), ("b", 0.5)),
    "confidence_weight": (dict(noise_sd=2.0, clean_sd=0.8), 1 / (1 + 4 / 0.64)),
    "easy_pair_signal": (dict(x_hat=5.0), 1 / (1 + np.exp(5.0))),
    "bias_gradient": (dict(x_u=X_EX10, y_i=YI_EX10, y_j=YJ_EX10, b_i=0.3, b_j=-0.1, lam=0.05),
                      _sigmoid(-(X_EX10 @ (YI_EX10 - YJ_EX10) + 0.4)) + 0.05 * -0.1),
    "easy_share": (dict(model=BPR10, triples=TRIPLES10, threshold=0.1),
                   float(np.mean(_sigmoid(-(np.sum(BPR10.X[TRIPLES10[0]] * (BPR10.Y[TRIPLES10[1]] - BPR10.Y[TRIPLES10[2]]), axis=1)
                                           + BPR10.bi[TRIPLES10[1]] - BPR10.bi[TRIPLES10[2]])) < 0.1))),
    "saddle_directions": (dict(sigma_M={0.1: np.array([0.3, 0.2, 0.15, 0.05]), 0.2: np.array([0.31, 0.21, 0.14, 0.04])},
                               rank=3), [3, 2]),
    "grid_trials": (dict(d=2, n_values=4), 16),
    "ips_expectation": (dict(errors=np.array([1.0, 2.0, 0.5]), propensity=np.array([0.5, 0.2, 0.9])), 3.5 / 3),
    "paired_se": (dict(a=np.array([0.90, 0.91, 0.92]), b=np.array([0.93, 0.95, 0.94])),
                  float(np.std([-0.03, -0.04, -0.02], ddof=1) / np.sqrt(3))),
}


def run(name, answer, **changes):
    """The check ``name`` on its problem (with ``changes`` to the arguments) and ``answer``."""
    return getattr(checks, name)(answer, **{**PROBLEMS[name][0], **changes})


def test_every_check_has_a_problem_here():
    exported = {name for name, f in vars(checks).items()
                if callable(f) and not isinstance(f, type) and f.__module__.startswith("mfedu.checks.")}
    assert exported == set(PROBLEMS)


@pytest.mark.parametrize("name", PROBLEMS)
def test_the_problems_are_valid_and_their_answers_correct(name):
    verdict(run(name, None), None, "replace None")
    verdict(run(name, PROBLEMS[name][1]), True)


# ----------------------------------------------------------------------------- hostile answers

class Unreadable:
    """An answer that fails every protocol numpy and Python may try on it."""
    def _fail(self, *args, **kwargs):
        raise RuntimeError("no")
    __len__ = __iter__ = __getitem__ = __array__ = __float__ = __int__ = __index__ = _fail


NASTY = [
    [[1, 2], [3]], [[1.0], [2.0, 3.0]], ([1.0], [2.0, 3.0], 4.0), np.array([[1, 2], [3]], dtype=object),
    np.array([1.0, None], dtype=object), np.array([10**400, 1], dtype=object), [10**400, 1.0], 10**400,
    -10**400, 2**64, "0.5", "", b"1", ["1", "2"], np.array(["1.5"]), {1: 2.0}, {1.0, 2.0}, frozenset(),
    range(3), iter([1.0, 2.0]), object(), Unreadable(), print, Decimal("1.5"), np.datetime64("2020-01-01"),
    np.timedelta64(1, "D"), True, False, np.True_, np.array([True, False]), 1j, np.complex64(1),
    np.array([1 + 0j, 2]), complex("nan+nanj"), np.nan, np.inf, -np.inf, 1e308, -1e308, 5e-324,
    np.float16(65504), np.finfo(np.longdouble).max, np.float32(np.inf), np.array([]), np.zeros((0, 3)),
    np.zeros((3, 0, 2)), np.ones((40, 40)), np.full(3, 1e308), np.full((6, 6), -1e308), np.array(5.0),
    (), (1e300,), (1e300, -1e300, np.nan, 2e300, 5e-324), [None, None], (None, None, None, None), ((), ()),
    ("a", "b"), ([1e300, np.nan], "b"), ([[1], [2, 3]], 1e300), (np.inf, {np.nan}), (-7, range(3)),
    (True, {1}), (2.5, {1}), (10**400, [1]), (2, [10**400, -1]), (2, "0123"), (2, Unreadable()),
    np.ma.masked_array([1e300, 2.0], mask=[True, False]), np.matrix([[1e300, 2.0]]),
]
FLOATS = st.one_of(st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, 1e-300, 1.7e308, -1.7e308]),
                   st.floats(min_value=1e12), st.floats(max_value=-1e12),
                   st.floats(min_value=-1e-12, max_value=1e-12))      # none is a right answer here
INTS = st.one_of(st.integers(max_value=-1), st.integers(min_value=10**12), st.sampled_from([2**64, 10**400]))


def float32(a):
    with np.errstate(over="ignore"):            # 1e300 becomes inf: one more hostile value
        return a.astype(np.float32)


SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
ARRAYS = st.one_of(
    hnp.arrays(np.float64, SHAPES, elements=FLOATS),
    hnp.arrays(np.float64, SHAPES, elements=FLOATS).map(float32),
    hnp.arrays(np.int64, SHAPES, elements=st.integers(-2**63, -1)),
    hnp.arrays(np.uint64, SHAPES, elements=st.integers(2**40, 2**64 - 1)),
    hnp.arrays(bool, SHAPES), hnp.arrays(np.complex128, SHAPES), hnp.arrays("U2", SHAPES),
    st.lists(FLOATS | INTS | st.none(), max_size=4).map(lambda xs: np.array(xs + [0.5], dtype=object)),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.binary(max_size=3), FLOATS, INTS,
                    st.complex_numbers(), st.sampled_from(NASTY))
ANSWERS = st.recursive(SCALARS | ARRAYS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner), st.tuples(inner, inner, inner, inner),
    st.dictionaries(st.text(max_size=2), inner, max_size=2)), max_leaves=6)
# dense_loss takes a function: also functions that return a hostile value or raise
FUNCTIONS = st.one_of(ANSWERS, ANSWERS.map(lambda v: lambda *args: v),
                      st.just(lambda *args: [][1]), st.just(lambda R, X, Y, lam: None))

# what our own computation must never put in a message: nan, inf (prose such as "NaN or inf",
# "set their scores to -inf" and "np.nan" is fine)
PROSE = ("NaN or inf", "to -inf", "at -inf")
NUMBER_NAN_INF = re.compile(r"(?<![\w.])[-+]?(?:nan|inf)(?!\w)")


def assert_feedback(fb, answer):
    assert isinstance(fb, Feedback), fb
    assert fb.ok is (None if answer is None else False), (answer, fb)
    assert isinstance(fb.message, str) and fb.message, fb
    message = fb.message
    for phrase in PROSE:
        message = message.replace(phrase, "")
    assert not NUMBER_NAN_INF.search(message), fb


@pytest.mark.parametrize("name", PROBLEMS)
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_a_hostile_answer_gets_feedback_never_an_exception(name, data):
    answer = data.draw(FUNCTIONS if name == "dense_loss" else ANSWERS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # no RuntimeWarning or ComplexWarning for the reader
        fb = run(name, answer)
    assert_feedback(fb, answer)


@pytest.mark.parametrize("name", PROBLEMS)
def test_each_nasty_answer(name):                   # (hypothesis draws them too, but not all)
    for answer in NASTY:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fb = run(name, answer)
        assert_feedback(fb, answer)


@pytest.mark.parametrize("answer, words", [
    ("0.6666666666666666", "got str"), (True, "True/False"), (np.array([0.5, 0.2]) > 0.3, "True/False"),
    ([[1, 2], [3]], "[[1, 2], [3]]"), (2 / 3 + 0j, "complex"), (10**400, "too large"),
    (np.array([1.0, None], dtype=object), "got an array of dtype object"), (Decimal("0.5"), "got Decimal"),
])
def test_the_messages_say_what_is_wrong(answer, words):
    verdict(checks.density(answer, TOY), False, words)        # the right density is 2/3


def test_other_kinds_of_numbers_are_accepted():
    verdict(checks.density(Fraction(2, 3), TOY), True)
    verdict(checks.density(np.float32(2 / 3), TOY), False)    # float32 rounding is not 1e-9 close
    verdict(checks.density(np.array([2 / 3], dtype=object)[0], TOY), True)
    verdict(checks.most_rated(np.uint8(PROBLEMS["most_rated"][1]), TOY), True)


# ----------------------------------------------------------------------------- answers that were
#                                                                               once called correct

def test_a_string_is_not_a_correct_density():
    verdict(checks.density(str(len(TOY) / 36), TOY), False, "number")


def test_complex_is_refused_not_cast():
    x, b = PROBLEMS["fold_in_biased"][1]
    verdict(run("fold_in_biased", (x + 1e-3j, b)), False, "pair (x, b)")
    verdict(run("normal_equations", PROBLEMS["normal_equations"][1] + 1e-3j), False, "complex")


def test_a_function_that_changes_its_arguments_is_not_correct():
    def cheat(R, X, Y, lam):            # zeroes the factors, then returns the loss of zero factors
        X[:], Y[:] = 0.0, 0.0
        return right_loss(R, X, Y, lam)
    verdict(checks.dense_loss(cheat, TOY, lam=0.5), False)
    verdict(checks.dense_loss(lambda *args: np.array([1.0, 2.0]), TOY, lam=0.5), False, "one number")
    verdict(checks.dense_loss(lambda *args: np.inf, TOY, lam=0.5), False, "infinite")
    verdict(checks.dense_loss(lambda *args: None, TOY, lam=0.5), False, "returned None")


def test_tiny_right_answers_are_compared_relatively():
    sparse = Ratings([0], [0], [4.0], 100_000, 100_000)      # density 1e-10
    verdict(checks.density(0.0, sparse), False)
    verdict(checks.density(1e-10, sparse), True)
    verdict(checks.bias_step_limit(0.0, 10**9, 0.0), False)
    verdict(checks.plain_lambda(0.0, 1e-12, 1), False)
    verdict(checks.tiny_minimum((0.0, 0.0), 1e-6, 0.0), False)           # t = 1e-3
    verdict(checks.tiny_minimum((1e-3, 1e-3), 1e-6, 0.0), True)


def test_a_near_tie_is_not_a_tie():
    scores = np.array([5.0, 1.0, 4.0, 3.0, 3.0 - 1e-9, 0.5])             # user 0 rated 0, 1, 2, 4
    verdict(checks.top_unseen([3, 5], scores, TOY, 0, 2), True)
    scores[5] = 3.0 - 1e-9                                                # item 5 just below item 3
    verdict(checks.top_unseen([5, 3], scores, TOY, 0, 2), False, "best first")


def test_a_pair_of_numbers_is_not_an_eigh_result():
    B2 = B[:, :2]
    s2 = np.linalg.svd(B2, compute_uv=False)
    verdict(checks.singular_values(tuple(s2), B2), True)
    verdict(checks.singular_values(np.linalg.eigh(B2.T @ B2), B2), False, "unpack")


def test_bools_are_not_block_numbers():
    _, blocks = PROBLEMS["spark_blocks"][1]
    verdict(run("spark_blocks", (2, [True] + sorted(blocks))), False, "pair (user_block, item_blocks)")
    verdict(run("spark_blocks", (2.0, blocks)), True)                        # 2.0 is a whole number


def test_the_pair_form_works_for_one_factor():
    Y1 = MODEL.Y[:, :1]
    x, b = fold_in(NEW, Y1, 0.1, weighted=True, mu=MODEL.mu, bi=MODEL.bi)
    check = lambda a: checks.fold_in_biased(a, NEW, Y1, 0.1, MODEL.mu, MODEL.bi)
    verdict(check((x, b)), True)
    verdict(check([x[0], b]), True)                                          # one vector [x, b]


# ----------------------------------------------------------------------------- bad problem arguments

TOY_WITH_A_SILENT_USER = Ratings(TOY.users, TOY.items, TOY.values, 7, 6)    # user 6 rated nothing
SMALL = Ratings([0], [0], [3.0], 2, 2)

BAD_ARGUMENTS = [        # (check, changed arguments, exception, the message starts with)
    ("density", dict(ratings=TOY.to_dense()), TypeError, "ratings must be an mfedu.data.Ratings"),
    ("density", dict(ratings=None), TypeError, "ratings"),
    ("most_rated", dict(ratings=[1, 2]), TypeError, "ratings"),
    ("singular_values", dict(B=np.ones(3)), ValueError, "B must be 2-D"),
    ("singular_values", dict(B=[[np.nan, 1.0]]), ValueError, "B must contain only finite"),
    ("singular_values", dict(B="B"), TypeError, "B"),
    ("singular_values", dict(B=np.full((2, 2), 1e300)), ValueError, "B must have entries small enough"),
    ("left_vectors", dict(s=-S_B), ValueError, "s must hold positive"),
    ("left_vectors", dict(s=np.append(S_B, 1.0)), ValueError, "s must hold between 1 and min(B.shape) = 3"),
    ("left_vectors", dict(s=[]), ValueError, "s must hold between 1"),
    ("left_vectors", dict(s=S_B[:2]), ValueError, "Vt must have shape (len(s), B.shape[1]) = (2, 3)"),
    ("left_vectors", dict(Vt=2 * VT_B), ValueError, "Vt must have orthonormal rows"),
    ("left_vectors", dict(s=S_B[:2], Vt=VT_B[:2]), ValueError, "Vt must have orthonormal rows that span"),
    ("left_vectors", dict(B=B[:, :2]), ValueError, "s must hold between 1 and min(B.shape) = 2"),
    ("eckart_young", dict(rank=4), ValueError, "rank must be an int in [0, len(s) = 3], got 4"),
    ("eckart_young", dict(rank=-1), ValueError, "rank"),
    ("eckart_young", dict(rank=1.0), TypeError, "rank must be an int"),
    ("eckart_young", dict(rank=True), TypeError, "rank"),
    ("eckart_young", dict(s=[-1.0, 2.0]), ValueError, "s must hold"),
    ("eckart_young", dict(s=[]), ValueError, "s must hold at least one"),
    ("eckart_young", dict(s="s"), TypeError, "s"),
    ("top_unseen", dict(user=6), ValueError, "user must be an int in [0, 5], got 6"),
    ("top_unseen", dict(user=0.0), TypeError, "user"),
    ("top_unseen", dict(n=0), ValueError, "n must be an int in [1, "),
    ("top_unseen", dict(n=3), ValueError, "n must be an int in [1, the number of items user 0 has not rated, 2]"),
    ("top_unseen", dict(scores=np.ones(5)), ValueError, "scores must have length train.n_items = 6"),
    ("top_unseen", dict(scores=[np.nan] * 6), ValueError, "scores must contain only finite"),
    ("top_unseen", dict(train=TOY.to_dense()), TypeError, "train"),
    ("top_unseen", dict(train=SMALL, scores=[1.0, 2.0], user=0, n=1), None, None),          # valid
    ("top_unseen", dict(train=Ratings([0, 0], [0, 1], [3.0, 4.0], 1, 2), scores=[1.0, 2.0], n=1),
     ValueError, "user must have an item left"),
    ("user_mean_impute", dict(train=None), TypeError, "train"),
    ("user_mean_impute", dict(full=SMALL), ValueError, "full must have the shape of train"),
    ("user_mean_impute", dict(full="full"), TypeError, "full"),
    ("damped_item_means", dict(beta=0.0), ValueError, "beta must be > 0"),
    ("damped_item_means", dict(beta=np.nan), ValueError, "beta"),
    ("damped_item_means", dict(beta="5"), TypeError, "beta"),
    ("damped_item_means", dict(train=[]), TypeError, "train"),
    ("mf_loss_value", dict(X=X[:5]), ValueError, "X must have one row per user, ratings.n_users = 6"),
    ("mf_loss_value", dict(Y=Y[:, :1]), ValueError, "Y must have shape (ratings.n_items, X.shape[1]) = (6, 2)"),
    ("mf_loss_value", dict(lam=-0.5), ValueError, "lam must be >= 0"),
    ("mf_loss_value", dict(mu=np.nan), ValueError, "mu must be finite"),
    ("mf_loss_value", dict(bu=BU[:5]), ValueError, "bu must have length ratings.n_users = 6"),
    ("mf_loss_value", dict(bi=None), TypeError, "bi"),
    ("mf_loss_value", dict(ratings=TOY.to_dense()), TypeError, "ratings"),
    ("tiny_minimum", dict(lam=2.0), ValueError, "lam must be < r = 2"),
    ("tiny_minimum", dict(lam=-1.0), ValueError, "lam must be >= 0"),
    ("tiny_minimum", dict(r="2"), TypeError, "r must be a real number"),
    ("tiny_minimum", dict(r=np.inf), ValueError, "r must be finite"),
    ("dense_loss", dict(lam=-1.0), ValueError, "lam"),
    ("dense_loss", dict(seed=-1), ValueError, "seed"),
    ("dense_loss", dict(seed=1.5), TypeError, "seed"),
    ("dense_loss", dict(ratings=None), TypeError, "ratings"),
    ("item_gradient", dict(item=6), ValueError, "item must be an int in [0, 5], got 6"),
    ("item_gradient", dict(item=-1), ValueError, "item"),
    ("item_gradient", dict(item=2.0), TypeError, "item"),
    ("item_gradient", dict(X=X.T), ValueError, "X must have one row per user"),
    ("item_gradient", dict(Y=np.ones((6, 3))), ValueError, "Y must have shape"),
    ("item_gradient", dict(lam=-1.0), ValueError, "lam"),
    ("bias_step_limit", dict(n_u=0), ValueError, "n_u must be an int in [1, 10**9], got 0"),
    ("bias_step_limit", dict(n_u=10**400), ValueError, "n_u"),
    ("bias_step_limit", dict(n_u=197.0), TypeError, "n_u"),
    ("bias_step_limit", dict(lam=-1.0), ValueError, "lam"),
    ("sgd_update", dict(lr=0.0), ValueError, "lr must be > 0"),
    ("sgd_update", dict(y_i=Y[0][:1]), ValueError, "y_i must have length len(x_u) = 2"),
    ("sgd_update", dict(x_u="ab"), TypeError, "x_u"),
    ("sgd_update", dict(b_u=None), TypeError, "b_u"),
    ("sgd_update", dict(r_ui=np.nan), ValueError, "r_ui"),
    ("sgd_update", dict(lam=-0.1), ValueError, "lam"),
    ("sgd_update", dict(mu=1j), TypeError, "mu"),
    ("plain_lambda", dict(lam_sgd=0.0), ValueError, "lam_sgd must be > 0"),
    ("plain_lambda", dict(n_u=0), ValueError, "n_u"),
    ("plain_lambda", dict(n_u=85.5), TypeError, "n_u"),
    ("normal_equations", dict(user=99), ValueError, "user must be an int in [0, 5], got 99"),
    ("normal_equations", dict(ratings=TOY_WITH_A_SILENT_USER, user=6), ValueError, "user must be a user with ratings"),
    ("normal_equations", dict(Y=Y[:5]), ValueError, "Y must have one row per item, ratings.n_items = 6"),
    ("normal_equations", dict(lam=0.0), ValueError, "lam must be > 0"),
    ("normal_equations", dict(weighted=1), TypeError, "weighted must be True or False"),
    ("normal_equations", dict(ratings=TOY.to_dense()), TypeError, "ratings"),
    ("fold_in_biased", dict(ratings_of_new_user=[(0, 5.0)]), TypeError, "ratings_of_new_user must be a dict"),
    ("fold_in_biased", dict(ratings_of_new_user={}), ValueError, "ratings_of_new_user must hold at least one"),
    ("fold_in_biased", dict(ratings_of_new_user={6: 5.0}), ValueError, "ratings_of_new_user's item ids must be in"),
    ("fold_in_biased", dict(ratings_of_new_user={0: np.nan}), ValueError, "ratings_of_new_user's ratings"),
    ("fold_in_biased", dict(bi=MODEL.bi[:5]), ValueError, "bi must have length Y.shape[0] = 6"),
    ("fold_in_biased", dict(lam=0.0), ValueError, "lam must be > 0"),
    ("fold_in_biased", dict(mu=None), TypeError, "mu"),
    ("fold_in_biased", dict(weighted="yes"), TypeError, "weighted"),
    ("fold_in_biased", dict(Y=None), TypeError, "Y"),
    ("preference_confidence", dict(r=[-1.0, 2.0]), ValueError, "r must be a non-empty row of counts"),
    ("preference_confidence", dict(r=[]), ValueError, "r must be"),
    ("preference_confidence", dict(r=[[1.0]]), ValueError, "r must be 1-D"),
    ("preference_confidence", dict(alpha=0.0), ValueError, "alpha must be > 0"),
    ("preference_confidence", dict(alpha=1e308), ValueError, "alpha must keep every confidence"),
    ("precision_one_user", dict(k=0), ValueError, "k must be an int in [1, "),
    ("precision_one_user", dict(k=10), ValueError, "k must be an int in [1, the number of candidates"),
    ("precision_one_user", dict(train_items=[0, 0]), ValueError, "train_items must list each item once, got item 0 2 times"),
    ("precision_one_user", dict(test_items=[]), ValueError, "test_items must hold at least one"),
    ("precision_one_user", dict(test_items=[0, 3]), ValueError, "test_items must not hold training items"),
    ("precision_one_user", dict(test_items=[12]), ValueError, "test_items must be in [0, len(scores)) = [0, 12)"),
    ("precision_one_user", dict(scores=[1.0, np.nan]), ValueError, "scores"),
    ("precision_one_user", dict(train_items=[1.5]), TypeError, "train_items must hold integers"),
    ("precision_one_user", dict(train_items=[]), None, None),                                   # valid
    ("implicit_user_step", dict(items=[2, 2, 11, 20]), ValueError, "items must list each item once"),
    ("implicit_user_step", dict(items=[30, 7, 11, 20]), ValueError, "items must be in [0, Y.shape[0]) = [0, 30)"),
    ("implicit_user_step", dict(items=[], counts=[]), ValueError, "items must list at least one"),
    ("implicit_user_step", dict(counts=[1.0, 0.0, 2.0, 3.0]), ValueError, "counts must be > 0"),
    ("implicit_user_step", dict(counts=[1.0, 2.0]), ValueError, "counts must have length len(items) = 4"),
    ("implicit_user_step", dict(lam=0.0), ValueError, "lam must be > 0"),
    ("implicit_user_step", dict(alpha=-1.0), ValueError, "alpha"),
    ("implicit_user_step", dict(alpha=1e-300), ValueError, "alpha must make every confidence"),
    ("implicit_user_step", dict(alpha=1e307), ValueError, "alpha must keep every confidence"),
    ("implicit_user_step", dict(Y="Y"), TypeError, "Y"),
    ("spark_blocks", dict(user=943), ValueError, "user must be an int in [0, 942], got 943"),
    ("spark_blocks", dict(n_item_blocks=0), ValueError, "n_item_blocks"),
    ("spark_blocks", dict(n_user_blocks=2**31), ValueError, "n_user_blocks must be an int in [1, 2**31 - 1]"),
    ("spark_blocks", dict(n_user_blocks=4.0), TypeError, "n_user_blocks"),
    ("spark_blocks", dict(ratings=None), TypeError, "ratings"),
    ("fold_in_spark", dict(reg_param=-0.1), ValueError, "reg_param"),
    ("fold_in_spark", dict(new_ratings={1682: 3.0}), ValueError, "new_ratings' item ids must be in [0, Y.shape[0])"),
    ("fold_in_spark", dict(new_ratings=[(5, 4.0)]), TypeError, "new_ratings"),
    ("fold_in_spark", dict(new_ratings={}), ValueError, "new_ratings"),
    ("fold_in_spark", dict(Y=Y_SPARK[:, :0]), ValueError, "Y"),
    ("power_steps", dict(eigenvalues=[5.0]), ValueError, "eigenvalues must hold at least two"),
    ("power_steps", dict(eigenvalues=[5.0, -5.0]), ValueError, "eigenvalues must have one of strictly largest"),
    ("power_steps", dict(eigenvalues=[5.0, 0.0]), ValueError, "eigenvalues must have a nonzero"),
    ("power_steps", dict(eigenvalues="5"), TypeError, "eigenvalues"),
    ("power_steps", dict(shrink=1.0), ValueError, "shrink must be < 1"),
    ("power_steps", dict(shrink=0.0), ValueError, "shrink must be > 0"),
    ("power_steps", dict(shrink="1e-6"), TypeError, "shrink"),
    ("expected_stars", dict(score="2.8"), TypeError, "score must be a real number"),
    ("expected_stars", dict(thresholds=[3.0, 2.0]), ValueError, "thresholds must be strictly increasing"),
    ("expected_stars", dict(sigma=0.0), ValueError, "sigma must be > 0"),
    ("oracle_bound", dict(), None, ""),
    ("identical_start", dict(item=1682), ValueError, "item must be an int in [0, 1681], got 1682"),
    ("identical_start", dict(item=50.0), TypeError, "item must be an int"),
    ("identical_start", dict(reg_param=-0.1), ValueError, "reg_param"),
    ("identical_start", dict(ratings=None), TypeError, "ratings"),
    ("identical_start", dict(ratings=Ratings([0], [1], [3.0], 943, 1682)), ValueError, "item must have at least one rating"),
    ("calibration_slope", dict(truth=np.ones(4)), ValueError, "truth must vary"),
    ("calibration_slope", dict(prediction=np.ones(4)), ValueError, "prediction must vary"),
    ("calibration_slope", dict(prediction=[1.0]), ValueError, "truth must have length len(prediction) = 1"),
    ("calibration_slope", dict(truth="t"), TypeError, "truth"),
    ("batch_levels", dict(users=[0, 1]), ValueError, "items must have length"),
    ("batch_levels", dict(users=[], items=[]), ValueError, "users and items must hold at least one rating"),
    ("batch_levels", dict(users=[-1, 1, 0, 2, 1, 2, 0, 3]), ValueError, "users and items must be ids >= 0"),
    ("batch_levels", dict(items="abc"), TypeError, "items"),
    ("step_regimes", dict(etas=[]), ValueError, "etas must be a non-empty"),
    ("step_regimes", dict(etas=[1e-3, -1e-3]), ValueError, "etas must be a non-empty list of learning rates > 0"),
    ("step_regimes", dict(etas="0.001"), TypeError, "etas"),
    ("step_regimes", dict(etas=[1 / 260]), ValueError, "etas must avoid 1/h"),
    ("step_regimes", dict(n_ratings=1.5), TypeError, "n_ratings must be an int"),
    ("step_regimes", dict(n_ratings=-1), ValueError, "n_ratings must be an int"),
    ("step_regimes", dict(lam=-1.0), ValueError, "lam must be >= 0"),
    ("step_regimes", dict(n_ratings=0, lam=0.0), ValueError, "n_ratings + lam must be > 0"),
    ("symmetric_start", dict(rank=1), ValueError, "rank must be an int >= 2"),
    ("symmetric_start", dict(rank=4.0), TypeError, "rank must be an int"),
    ("cg_steps_to_exact", dict(k=1), ValueError, "k must be an int >= 2"),
    ("cg_steps_to_exact", dict(k=16.0), TypeError, "k must be an int"),
    ("cg_steps_to_exact", dict(n_played=16), ValueError, "n_played must be an int in [1, k - 1 = 15]"),
    ("ap_ndcg_one_user", dict(hits=[0, 2, 1]), ValueError, "hits must be a non-empty list of 0s and 1s"),
    ("ap_ndcg_one_user", dict(hits="0101"), TypeError, "hits"),
    ("ap_ndcg_one_user", dict(n_relevant=2), ValueError, "n_relevant must be an int >= 3"),
    ("alpha_for_rescaled_counts", dict(alpha=0.0), ValueError, "alpha must be > 0"),
    ("alpha_for_rescaled_counts", dict(factor=1.0), ValueError, "factor must differ from 1"),
    ("alpha_for_rescaled_counts", dict(factor="10"), TypeError, "factor must be a real number"),
    ("shrink_factor", dict(v=2 * V_UNIT), ValueError, "v must be a unit vector"),
    ("shrink_factor", dict(v=V_UNIT[:5]), ValueError, "v must have length train.n_items = 6"),
    ("shrink_factor", dict(train=TOY.to_dense()), TypeError, "train must be an mfedu.data.Ratings"),
    ("shrink_factor", dict(user=6), ValueError, "user must be"),
    ("shrink_factor", dict(user=1.0), TypeError, "user must be an int"),
    ("shrink_factor", dict(train=Ratings([1], [1], [3.0], 6, 6)), ValueError, "user must have at least one"),                      # a letter answer: no problem arguments
    ("factor_strengths", dict(R=TOY.to_dense()), ValueError, "R must contain only finite"),
    ("factor_strengths", dict(R="R"), TypeError, "R"),
    ("factor_strengths", dict(rank=7), ValueError, "rank must be an int in [1, min(R.shape) = 6]"),
    ("factor_strengths", dict(rank=2.0), TypeError, "rank must be an int"),
    ("factor_strengths", dict(lam=-1.0), ValueError, "lam must be >= 0"),
    ("weight_decay_lambda", dict(weight_decay=0.0), ValueError, "weight_decay must be > 0"),
    ("weight_decay_lambda", dict(n_ratings=0), ValueError, "n_ratings must be"),
    ("weight_decay_lambda", dict(half="yes"), TypeError, "half must be"),
    ("z_gradient", dict(item=6), ValueError, "item must be an int in [0, 5]"),
    ("z_gradient", dict(N=N_TOY.toarray()), TypeError, "N must be a scipy.sparse"),
    ("z_gradient", dict(lam_z=-1.0), ValueError, "lam_z must be >= 0"),
    ("day_offsets_time_split", dict(test=Ratings(TE09.users, TE09.items, TE09.values, 2, 3)), ValueError,
     "test must have times"),
    ("confidence_weight", dict(noise_sd=0.0), ValueError, "noise_sd must be > 0"),
    ("confidence_weight", dict(clean_sd="0.8"), TypeError, "clean_sd must be a real number"),
    ("easy_pair_signal", dict(x_hat="5"), TypeError, "x_hat must be a real number"),
    ("bias_gradient", dict(y_j=np.ones(3)), ValueError, "x_u, y_i and y_j must have equal lengths"),
    ("bias_gradient", dict(lam=-1.0), ValueError, "lam must be >= 0"),
    ("bias_gradient", dict(b_j="0"), TypeError, "b_j must be a real number"),
    ("easy_share", dict(model="m"), TypeError, "model must be a BPRResult"),
    ("easy_share", dict(triples=[1, 2, 3]), TypeError, "triples must be a tuple"),
    ("easy_share", dict(threshold=1.5), ValueError, "threshold must be"),
    ("saddle_directions", dict(sigma_M={}), ValueError, "sigma_M must hold at least one lam"),
    ("saddle_directions", dict(sigma_M={0.1: np.array([np.nan, 0.1])}), ValueError, "sigma_M[0.1] must contain only finite"),
    ("saddle_directions", dict(sigma_M={-0.1: np.array([0.3])}), ValueError, "sigma_M's keys (the lam values) must be > 0"),
    ("saddle_directions", dict(sigma_M="x"), TypeError, "sigma_M must be a dict"),
    ("saddle_directions", dict(rank=0), ValueError, "rank must be an int in [1,"),
    ("grid_trials", dict(d=0), ValueError, "d must be"),
    ("grid_trials", dict(n_values=2.5), TypeError, "n_values must be an int"),
    ("ips_expectation", dict(errors=np.ones(13), propensity=np.full(13, 0.5)), ValueError, "errors must hold 1 to 12"),
    ("ips_expectation", dict(propensity=np.array([0.5, 0.0, 0.9])), ValueError, "propensity must hold probabilities"),
    ("ips_expectation", dict(propensity=np.array([0.5, 0.9])), ValueError, "propensity must"),
    ("paired_se", dict(a=np.array([0.9]), b=np.array([0.93])), ValueError, "a and b must hold at least 2"),
    ("paired_se", dict(b=np.array([0.9, 0.8])), ValueError, "b must"),
    ("paired_se", dict(a="x"), TypeError, "a must"),
]


def test_every_check_has_bad_argument_cases():
    assert {name for name, *_ in BAD_ARGUMENTS} == set(PROBLEMS)


@pytest.mark.parametrize("name, changes, error, start", BAD_ARGUMENTS,
                         ids=[f"{c[0]}-{'-'.join(c[1])}" for c in BAD_ARGUMENTS])
def test_a_bad_problem_argument_raises_naming_it(name, changes, error, start):
    for answer in (None, PROBLEMS[name][1]):          # the right answer of the unchanged problem too
        if error is None:                             # a valid problem: a Feedback comes back
            assert isinstance(run(name, answer, **changes), Feedback)
            continue
        with pytest.raises(error) as caught:
            run(name, answer, **changes)
        assert str(caught.value).startswith(start), str(caught.value)
