"""Every public function turns bad input into a clear error that names the argument."""
import numpy as np
import pytest
import scipy.sparse as sp

from mfedu import linalg, metrics, svdrec
from mfedu.data import Ratings, load_movielens_100k, load_synthetic, toy, train_test_split
from mfedu.result import FitResult
from mfedu.synthetic import make_synthetic

T = toy()
M = np.arange(12.0).reshape(4, 3)
SYM = np.eye(3)
NAN = np.array([[1.0, np.nan], [0.0, 1.0]])
INF = np.array([[1.0, np.inf], [0.0, 1.0]])
MODEL = FitResult(np.ones((6, 2)), np.ones((6, 2)))

CASES = [
    # (call, exception, message that must appear)
    (lambda: train_test_split([1, 2], 0.2), TypeError, "ratings must be an mfedu.data.Ratings"),
    (lambda: train_test_split(T, 0.0), ValueError, "test_fraction must be > 0.0"),
    (lambda: train_test_split(T, 1.0), ValueError, r"test_fraction must be in \(0, 1\)"),
    (lambda: train_test_split(T, np.nan), ValueError, "test_fraction must be finite"),
    (lambda: train_test_split(T, "0.2"), TypeError, "test_fraction must be a real number"),
    (lambda: train_test_split(T, 0.2, seed=-1), ValueError, "seed must be an int >= 0"),
    (lambda: train_test_split(T, 0.2, by_user=1), TypeError, "by_user must be True or False"),
    (lambda: train_test_split(Ratings([], [], [], 2, 2)), ValueError, "ratings must contain at least one"),
    (lambda: load_synthetic(kind="counts"), ValueError, "kind must be one of"),
    (lambda: load_movielens_100k(download="yes"), TypeError, "download must be True or False"),
    (lambda: make_synthetic(seed=-1), ValueError, "seed must be an int >= 0"),
    (lambda: make_synthetic(seed=1.5), TypeError, "seed must be an int"),
    (lambda: make_synthetic(n_users=10, n_items=10, n_ratings=100), ValueError, "n_ratings must be an int in"),
    (lambda: linalg.eig_sym(M), ValueError, "A must be square"),
    (lambda: linalg.eig_sym(np.array([[1.0, 2.0], [0.0, 1.0]])), ValueError, "A must be symmetric"),
    (lambda: linalg.eig_sym(NAN), ValueError, "A must contain only finite values"),
    (lambda: linalg.eig_sym(SYM, k=0), ValueError, r"k must be an int in \[1, n = 3\]"),
    (lambda: linalg.eig_sym(SYM, k=4), ValueError, r"k must be an int in \[1, n = 3\]"),
    (lambda: linalg.eig_sym(SYM, tol=0.0), ValueError, "tol must be > 0.0"),
    (lambda: linalg.eig_sym("abc"), TypeError, "A must be a 2-D numpy array"),
    (lambda: linalg.eig_sym(np.ones(3)), ValueError, "A must be 2-D"),
    (lambda: linalg.svd_via_eig(INF), ValueError, "B must contain only finite values"),
    (lambda: linalg.svd_via_eig(np.ones((0, 3))), ValueError, "B must not be empty"),
    (lambda: linalg.svd_via_eig(np.ones((2, 2), dtype=complex)), TypeError, "B must be real"),
    (lambda: linalg.svd_via_eig([["a", "b"]]), TypeError, "B must hold numbers"),
    (lambda: linalg.truncated_svd(M, 0), ValueError, r"rank must be an int in \[1, min\(n_rows, n_cols\) = 3\]"),
    (lambda: linalg.truncated_svd(M, 4), ValueError, r"rank must be an int in \[1, min\(n_rows, n_cols\) = 3\]"),
    (lambda: linalg.truncated_svd(M, 2.0), TypeError, "rank must be an int"),
    (lambda: linalg.truncated_svd(sp.csr_matrix(M), 3), ValueError, r"min\(n_rows, n_cols\) - 1 \(sparse\) = 2"),
    (lambda: linalg.truncated_svd(sp.csr_matrix(NAN), 1), ValueError, "B must contain only finite"),
    (lambda: linalg.low_rank(M, -1), ValueError, "rank must be an int in"),
    (lambda: linalg.low_rank(NAN, 1), ValueError, "B must contain only finite"),
    (lambda: linalg.eckart_young_error([3.0, -1.0], 1), ValueError, "s must be a non-empty 1-D array"),
    (lambda: linalg.eckart_young_error([3.0, 1.0], 3), ValueError, r"rank must be an int in \[0, len\(s\) = 2\]"),
    (lambda: svdrec.impute(T, "median"), ValueError, "impute must be one of"),
    (lambda: svdrec.impute(M, "user"), TypeError, "train must be an mfedu.data.Ratings"),
    (lambda: svdrec.svd_recommender(T, rank=0), ValueError, r"rank must be an int in \[1, min\(n_users, n_items\) - 1 = 5\]"),
    (lambda: svdrec.svd_recommender(T, rank=6), ValueError, "rank must be an int in"),
    (lambda: svdrec.svd_recommender(T, rank=2, test=M), TypeError, "test must be an mfedu.data.Ratings"),
    (lambda: svdrec.svd_recommender(T, rank=2, test=Ratings([0], [0], [3.0], 7, 6)), ValueError,
     r"test must have the shape of train, \(6, 6\), got \(7, 6\)"),
    (lambda: svdrec.svd_recommender(Ratings([], [], [], 3, 3)), ValueError, "train must contain at least one"),
    (lambda: svdrec.rmse_by_rank(T, T, max_rank=9), ValueError, "rank must be an int in"),
    (lambda: svdrec.top_n(MODEL, 0, T, n=0), ValueError, "n must be an int >= 1"),
    (lambda: metrics.rmse([1.0, 2.0], [1.0]), ValueError, "y_pred must have length len"),
    (lambda: metrics.rmse([], []), ValueError, "y_true must contain at least one"),
    (lambda: metrics.rmse([1.0, np.nan], [1.0, 2.0]), ValueError, "y_true must contain only finite"),
    (lambda: metrics.mae([1.0, 2.0], [1.0, np.inf]), ValueError, "y_pred must contain only finite"),
    (lambda: metrics.mae(3.0, [1.0]), TypeError, "y_true must be a 1-D array"),
    (lambda: metrics.mae([[1.0]], [[1.0]]), ValueError, "y_true must be 1-D"),
    (lambda: MODEL.predict([0, 6], [0, 1]), ValueError, r"users must be in \[0, n_users\) = \[0, 6\)"),
    (lambda: MODEL.predict([0], [0, 1]), ValueError, "users and items must have equal lengths"),
    (lambda: MODEL.predict([0], [-1]), ValueError, "items must be in"),
    (lambda: MODEL.recommend(7), ValueError, r"user must be an int in \[0, 5\]"),
    (lambda: MODEL.recommend(0, k=0), ValueError, "k must be an int >= 1"),
    (lambda: MODEL.recommend(0, k=2, exclude=[1, 2]), TypeError, "exclude must be an mfedu.data.Ratings"),
]


@pytest.mark.parametrize("call, exc, message", CASES, ids=[str(i) for i in range(len(CASES))])
def test_bad_input_is_named(call, exc, message):
    with pytest.raises(exc, match=message):
        call()
