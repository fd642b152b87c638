import numpy as np
import pytest
import scipy.sparse as sp

from mfedu.linalg import eckart_young_error, eig_sym, low_rank, svd_via_eig, truncated_svd

SHAPES = [(5, 3), (3, 5), (6, 6), (40, 25), (25, 40), (1, 4), (4, 1)]


def same_up_to_sign(A, B, atol):
    """Columns of A equal columns of B up to a sign per column."""
    signs = np.sign(np.sum(A * B, axis=0))
    return np.allclose(A * signs, B, atol=atol)


@pytest.mark.parametrize("seed", range(5))
def test_eig_sym_matches_eigh(seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    lam_true = np.array([9.0, -6.0, 4.0, 2.5, -1.0, 0.3])       # distinct magnitudes
    A = (Q * lam_true) @ Q.T
    lam, P = eig_sym(A)
    assert np.allclose(lam, lam_true, atol=1e-8)
    assert same_up_to_sign(P, Q, atol=1e-6)
    assert np.allclose(P.T @ P, np.eye(6), atol=1e-10)
    # the sign convention: the largest-magnitude entry of each vector is positive
    assert np.all(P[np.argmax(np.abs(P), axis=0), range(6)] > 0)


def test_eig_sym_psd_and_rank_deficient():
    rng = np.random.default_rng(1)
    B = rng.normal(size=(3, 6))
    A = B.T @ B                                   # 6 x 6, rank 3
    lam, P = eig_sym(A, k=5)
    ref = np.sort(np.linalg.eigvalsh(A))[::-1][:5]
    assert np.allclose(lam, ref, atol=1e-8)
    assert np.allclose(P.T @ P, np.eye(5), atol=1e-8)
    assert np.allclose(A @ P[:, :3], P[:, :3] * lam[:3], atol=1e-7)


@pytest.mark.parametrize("n", [5, 12])
@pytest.mark.parametrize("seed", range(10))
def test_eig_sym_on_random_gram_matrices(n, seed):
    # B^T B: positive semidefinite, eigenvalues often close; earlier pairs' rounding errors must
    # not stop the later pairs from converging
    B = np.random.default_rng(seed).normal(size=(n + 3, n))
    A = B.T @ B
    lam, P = eig_sym(A)
    assert np.allclose(lam, np.linalg.eigvalsh(A)[::-1], atol=1e-8 * lam[0])
    assert np.allclose(P.T @ P, np.eye(n), atol=1e-8)
    assert np.linalg.norm(A @ P - P * lam) <= 1e-8 * np.linalg.norm(A)


@pytest.mark.parametrize("diagonal", [[2.0, 2.0, 1.0], [3.0, 3.0, 3.0, 1.0], [5.0, 1.0, 1.0, 0.0]])
def test_eig_sym_repeated_eigenvalues(diagonal):
    A = np.diag(diagonal)
    lam, P = eig_sym(A)
    assert np.allclose(lam, diagonal, atol=1e-10)
    assert np.allclose(P.T @ P, np.eye(len(diagonal)), atol=1e-8)
    assert np.allclose(A @ P, P * lam, atol=1e-8)        # eig_sym stops at tol = 1e-10 ||A||_F


def test_eig_sym_reports_non_convergence():
    with pytest.raises(RuntimeError, match="equal magnitude and opposite signs"):
        eig_sym(np.diag([3.0, -3.0, 1.0]), n_iter=200)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", range(3))
def test_svd_via_eig_matches_numpy(shape, seed):
    B = np.random.default_rng(seed).normal(size=shape)
    U, s, Vt = svd_via_eig(B)
    U0, s0, Vt0 = np.linalg.svd(B, full_matrices=False)
    r = min(shape)
    assert U.shape == (shape[0], r) and s.shape == (r,) and Vt.shape == (r, shape[1])
    assert np.allclose(s, s0, atol=1e-10 * s0[0])
    assert np.allclose((U * s) @ Vt, B, atol=1e-10 * s0[0])
    assert same_up_to_sign(U, U0, atol=1e-6) and same_up_to_sign(Vt.T, Vt0.T, atol=1e-6)
    # paired: flipping a u_j without its v_j would break B v_j = sigma_j u_j
    assert np.allclose(B @ Vt.T, U * s, atol=1e-10 * s0[0])


@pytest.mark.parametrize("shape, rank", [((8, 6), 2), ((6, 8), 3), ((7, 7), 1), ((10, 4), 3)])
def test_svd_via_eig_rank_deficient(shape, rank):
    rng = np.random.default_rng(rank)
    B = rng.normal(size=(shape[0], rank)) @ rng.normal(size=(rank, shape[1]))
    U, s, Vt = svd_via_eig(B, full_matrices=True)
    s0 = np.linalg.svd(B, compute_uv=False)
    assert np.allclose(s[:rank], s0[:rank], atol=1e-10 * s0[0])
    assert np.all(s[rank:] == 0.0)                   # vanished-to-rounding sigmas are exactly 0
    assert U.shape == (shape[0], shape[0]) and Vt.shape == (shape[1], shape[1])
    assert np.allclose(U.T @ U, np.eye(shape[0]), atol=1e-8)
    assert np.allclose(Vt @ Vt.T, np.eye(shape[1]), atol=1e-8)
    r = min(shape)
    assert np.allclose((U[:, :r] * s) @ Vt[:r], B, atol=1e-8 * s0[0])


def test_svd_via_eig_repeated_singular_values():
    rng = np.random.default_rng(3)
    Q1, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    Q2, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    B = (Q1[:, :4] * np.array([2.0, 2.0, 2.0, 1.0])) @ Q2.T     # sigma = 2 three times
    U, s, Vt = svd_via_eig(B)
    assert np.allclose(s, [2, 2, 2, 1])
    assert np.allclose((U * s) @ Vt, B, atol=1e-10)
    assert np.allclose(U.T @ U, np.eye(4), atol=1e-10)


def test_symmetric_indefinite_singular_values_are_absolute_eigenvalues():
    A = np.array([[1.0, 2.0], [2.0, -2.0]])          # eigenvalues 2 and -3
    _, s, _ = svd_via_eig(A)
    assert np.allclose(s, [3.0, 2.0])


@pytest.mark.parametrize("rank", [1, 3, 5])
def test_truncated_svd_dense_and_sparse_agree(rank):
    rng = np.random.default_rng(0)
    B = rng.normal(size=(30, 20)) * (rng.random((30, 20)) < 0.3)
    U, s, Vt = truncated_svd(B, rank)
    Us, ss, Vts = truncated_svd(sp.csr_matrix(B), rank)
    assert np.allclose(s, ss, atol=1e-8)
    assert np.allclose(U, Us, atol=1e-6) and np.allclose(Vt, Vts, atol=1e-6)   # same sign rule
    assert np.all(s[:-1] >= s[1:])


@pytest.mark.parametrize("shape", [(12, 9), (9, 12)])
def test_eckart_young(shape):
    B = np.random.default_rng(5).normal(size=shape)
    s = np.linalg.svd(B, compute_uv=False)
    for k in range(1, min(shape)):
        B_k = low_rank(B, k)
        assert np.linalg.matrix_rank(B_k) == k
        err = np.linalg.norm(B - B_k)
        assert err == pytest.approx(eckart_young_error(s, k), rel=1e-10)
        assert err == pytest.approx(np.sqrt(np.sum(s[k:] ** 2)), rel=1e-10)
        # no other rank-k matrix does better: try a few
        rng = np.random.default_rng(k)
        for _ in range(5):
            M = low_rank(B + 0.1 * rng.normal(size=shape), k)
            assert np.linalg.norm(B - M) >= err - 1e-12
    assert eckart_young_error(s, 0) == pytest.approx(np.linalg.norm(B))
    assert eckart_young_error(s, min(shape)) == 0.0
