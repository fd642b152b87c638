"""Notebook 08's self-checks: not attempted, correct, and each mistake they promise to recognise."""
import numpy as np
import pytest

from mfedu import checks
from mfedu.data import toy
from mfedu.synthetic import make_synthetic

from checkutil import verdict      # tests/checkutil.py


SYN = make_synthetic(seed=3, n_users=60, n_items=80, n_ratings=1500).explicit
U, NUB, NIB = 6, 4, 10             # user 6's items fill 9 of the 10 item blocks
ITEMS = SYN.items[SYN.users == U]
BLOCKS = {int(i) % NIB for i in ITEMS}


def test_checks_are_exported():
    assert {"spark_blocks", "fold_in_spark", "identical_start"} <= set(checks.__dict__)
    assert checks.spark_blocks is checks.spark.spark_blocks
    assert checks.fold_in_spark is checks.spark.fold_in_spark
    assert checks.identical_start is checks.spark.identical_start


def test_spark_blocks_case_is_telling():
    assert len(ITEMS) == 22 and len(BLOCKS) == 9           # not all blocks: mistake (c) is visible
    assert U % NUB not in {U // 15, U * NUB // 60, U % NIB}  # hash, ranges, wrong count all differ
    assert {int(i) % NUB for i in ITEMS} != BLOCKS
    assert {int(i) // 8 for i in ITEMS} not in (BLOCKS, set(range(NIB)))   # ranges of 80 / 10 items


def test_spark_blocks():
    check = lambda a: checks.spark_blocks(a, SYN, U, NUB, NIB)
    verdict(check(None), None, "replace None")
    verdict(check((U % NUB, BLOCKS)), True, "user block 6 % 4 = 2", "22 ratings", "9 of the 10")
    verdict(check([2, sorted(BLOCKS)]), True)                          # a list of ints, any order
    verdict(check((np.int64(2), np.array(list(ITEMS % NIB)))), True)   # numpy ints, with repeats
    verdict(check(BLOCKS), False, "pair (user_block, item_blocks)")              # (a)
    verdict(check((2, "0123")), False, "pair (user_block, item_blocks)")
    verdict(check((2.5, BLOCKS)), False, "pair (user_block, item_blocks)")
    verdict(check("garbage"), False, "pair (user_block, item_blocks)")
    verdict(check((U // 15, BLOCKS)), False, "Spark hashes", "not ranges")       # (b)
    verdict(check((U * NUB // 60, BLOCKS)), False, "Spark hashes")
    verdict(check((2, {int(i) // 8 for i in ITEMS})), False, "Spark hashes", "item blocks too")
    verdict(check((U % NIB, BLOCKS)), False, "numUserBlocks = user % 4", "numItemBlocks = 10")
    verdict(check((3, BLOCKS)), False, "user block 6 % numUserBlocks")
    verdict(check((2, range(NIB))), False, "only blocks holding items the user rated")   # (c)
    verdict(check((2, ITEMS)), False, "give block numbers i % numItemBlocks", "not item ids")    # (d)
    verdict(check((2, {int(i) % NUB for i in ITEMS})), False, "i % 10", "numUserBlocks = 4")  # (e)
    missing_one = sorted(BLOCKS)[1:] + [next(b for b in range(NIB) if b not in BLOCKS)]
    verdict(check((2, missing_one)), False, "you miss 1 and have 1 extra")          # (f)
    verdict(check((2, [])), False, "you miss 9 and have 0 extra")


def test_spark_blocks_toy():
    R = toy()                      # Dev (user 3) rated items 0, 2, 3, 4
    verdict(checks.spark_blocks((1, {0, 2}), R, 3, 2, 3), False, "you miss 1 and have 0 extra")
    verdict(checks.spark_blocks((1, {0, 1, 2}), R, 3, 2, 3), True, "4 ratings", "3 of the 3")


def test_spark_blocks_bad_arguments():
    with pytest.raises(ValueError, match="user"):
        checks.spark_blocks(None, SYN, 60, NUB, NIB)
    with pytest.raises(ValueError, match="n_item_blocks"):
        checks.spark_blocks(None, SYN, U, NUB, 0)
    with pytest.raises(TypeError, match="ratings"):
        checks.spark_blocks(None, SYN.to_dense(), U, NUB, NIB)


K, REG = 3, 0.1
Y = np.random.default_rng(8).normal(0.0, 0.7, size=(SYN.n_items, K)).astype(np.float32)  # Spark's are float32
NEW = {5: 4.0, 17: 5.0, 23: 2.0, 42: 3.0, 61: 1.0}


def ridge(F, r, reg):
    F = np.asarray(F, dtype=float)
    return np.linalg.solve(F.T @ F + reg * np.eye(F.shape[1]), F.T @ r)


def test_fold_in_spark():
    idx, r = np.array(list(NEW)), np.array(list(NEW.values()))
    n = len(idx)
    good = ridge(Y[idx], r, REG * n)
    check = lambda a: checks.fold_in_spark(a, NEW, Y, REG)
    verdict(check(None), None, "replace None")
    verdict(check(good), True, "regParam * n = 0.1 x 5 = 0.5", "5 rated items")
    verdict(check(list(good)), True)
    verdict(check(good.astype(np.float32)), True)                     # float32 rounding is fine
    Yf = Y[idx].astype(np.float32)
    A32 = Yf.T @ Yf + np.float32(REG * n) * np.eye(K, dtype=np.float32)
    verdict(check(np.linalg.solve(A32, Yf.T @ r.astype(np.float32))), True)   # solved in float32
    verdict(check(ridge(Y[idx], r, REG)), False, "Spark multiplies regParam by the number of ratings",
            "regParam * n = 0.1 x 5 = 0.5")
    verdict(check(ridge(Y[idx], r, 0.0)), False, "regularisation is missing")
    verdict(check(ridge(Y[idx], r, 2 * REG * n)), False, "2 regParam n", "cancels")
    verdict(check(ridge(Y[idx], r, REG * n / 2)), False, "regParam n / 2")
    dense = np.zeros(SYN.n_items)
    dense[idx] = r
    for w in (REG * n, REG, 0.0, REG * SYN.n_items):
        verdict(check(ridge(Y, dense, w)), False, "use only the rated items")
    verdict(check(good + 0.1), False, "reg_param * n * np.eye(k)")
    verdict(check(good[:2]), False, "shape (3,)")
    verdict(check(np.array([np.nan, 1.0, 2.0])), False, "NaN")
    verdict(check("x"), False, "number or an array")


def test_fold_in_spark_bad_arguments():
    with pytest.raises(ValueError, match="reg_param"):
        checks.fold_in_spark(None, NEW, Y, -0.1)
    with pytest.raises(ValueError, match=r"new_ratings' item ids must be in \[0, Y.shape\[0\]\) = \[0, 80\)"):
        checks.fold_in_spark(None, {80: 3.0}, Y, REG)
    with pytest.raises(ValueError, match="new_ratings' item ids"):
        checks.fold_in_spark(None, {-1: 3.0}, Y, REG)
    with pytest.raises(TypeError, match="new_ratings"):
        checks.fold_in_spark(None, [(5, 4.0)], Y, REG)


# ----------------------------------------------------------------------------- 08.2 in float32

def solve32(F, r, w):
    """The ridge solve done entirely in float32, as a reader who casts Y to float32 would."""
    F = np.asarray(F, dtype=np.float32)
    A = F.T @ F + np.float32(w) * np.eye(F.shape[1], dtype=np.float32)
    return np.linalg.solve(A, F.T @ np.asarray(r, dtype=np.float32))


# two nearly parallel columns: cond(Y_u^T Y_u + reg I) ~ 2.5e3, so float32 loses ~1e-4
_rng = np.random.default_rng(5)
_b = _rng.normal(size=(SYN.n_items, 1))
Y_ILL = np.hstack([_b, _b + 1e-2 * _rng.normal(size=(SYN.n_items, 1)),
                   _rng.normal(size=(SYN.n_items, 1))]).astype(np.float32)
REG_ILL = 1e-3


def test_fold_in_spark_float32_case_is_telling():
    idx, r = np.array(list(NEW)), np.array(list(NEW.values()))
    good = ridge(Y_ILL[idx], r, REG_ILL * len(idx))
    err = np.abs(solve32(Y_ILL[idx], r, REG_ILL * len(idx)) - good)
    assert not np.allclose(solve32(Y_ILL[idx], r, REG_ILL * len(idx)), good, rtol=1e-5, atol=1e-7)
    assert 1e-5 < err.max() < 1e-2                  # beyond the tight tolerance, far below the mistakes


def test_fold_in_spark_float32():
    idx, r = np.array(list(NEW)), np.array(list(NEW.values()))
    n = len(idx)
    check = lambda a: checks.fold_in_spark(a, NEW, Y_ILL, REG_ILL)
    verdict(check(ridge(Y_ILL[idx], r, REG_ILL * n)), True, "regParam * n = 0.001 x 5 = 0.005")
    verdict(check(solve32(Y_ILL[idx], r, REG_ILL * n)), True, "float32 precision", "solves in float64",
            "np.asarray(Y, dtype=float)")
    verdict(check(solve32(Y_ILL[idx], r, REG_ILL)), False, "Spark multiplies regParam by the number of ratings",
            "also show a float32 solve")
    verdict(check(solve32(Y_ILL[idx], r, REG_ILL * n / 2)), False, "regParam n / 2", "float32")
    verdict(check(solve32(Y_ILL[idx], r, 0.0)), False)     # cond ~ 1e6: float32 gives noise, never "correct"
    dense = np.zeros(SYN.n_items)
    dense[idx] = r
    verdict(check(solve32(Y_ILL, dense, REG_ILL * n)), False, "use only the rated items", "float32")
    verdict(check(ridge(Y_ILL[idx], r, REG_ILL * n) + 0.5), False, "reg_param * n * np.eye(k)")
    verdict(check(ridge(Y_ILL[idx], r, REG_ILL * n).astype(np.float16)), False, "reg_param * n * np.eye(k)")


def test_fold_in_spark_float32_well_conditioned():
    """On the well-conditioned case a float32 solve is within the tight tolerance: plainly correct."""
    idx, r = np.array(list(NEW)), np.array(list(NEW.values()))
    verdict(checks.fold_in_spark(solve32(Y[idx], r, REG * len(idx)), NEW, Y, REG), True, "no Spark job needed")


# ----------------------------------------------------------------------------- exercise 08.3

ITEM = 7
MINE = SYN.values[SYN.items == ITEM]


def test_identical_start_case_is_telling():
    assert len(MINE) > 5 and abs(MINE.mean() - SYN.values.mean()) > 0.05
    lam, n, mean = 0.12, len(MINE), MINE.mean()
    values = [mean / (1 + lam), mean, MINE.sum() / (n + lam), MINE.sum() / (1 + lam),
              mean / (1 + lam * n), mean / (1 + lam) ** 2, SYN.values.mean() / (1 + lam)]
    assert min(abs(a - b) for i, a in enumerate(values) for b in values[i + 1:]) > 1e-2


def test_identical_start_matches_a_real_half_step():
    """The derivation: with every x_u = e, the item half-step gives x_u . y_i = mean_i / (1 + lam)."""
    from mfedu.als import half_step
    e = np.full(4, 0.5)                                                 # a unit vector
    R_items = SYN.to_csr().T.tocsr()
    Y1 = half_step(R_items, np.tile(e, (SYN.n_users, 1)), 0.12 * np.diff(R_items.indptr))
    verdict(checks.identical_start(float(Y1[ITEM] @ e), SYN, ITEM, 0.12), True, "rank 1 forever")
    assert np.allclose(Y1[ITEM], (MINE.mean() / 1.12) * e)


def test_identical_start():
    lam, n, mean = 0.12, len(MINE), MINE.mean()
    check = lambda a: checks.identical_start(a, SYN, ITEM, lam)
    verdict(check(None), None, "replace None")
    verdict(check(mean / (1 + lam)), True, "/ (1 + 0.12)", "rank 1 forever")
    verdict(check(np.array([mean / (1 + lam)])), True)                        # a 1-element array is fine
    verdict(check(round(mean / (1 + lam), 4)), True)                          # typed to 4 decimals
    verdict(check(mean), False, "without the penalty")
    verdict(check(MINE.sum() / (n + lam)), False, "plain convention", "ALS-WR")
    verdict(check(MINE.sum() / (1 + lam)), False, "sum of the", "the mean appears")
    verdict(check(mean / (1 + lam * n)), False, "both carry n_i")
    verdict(check(mean / (1 + lam) ** 2, ), False, "twice")
    verdict(check(SYN.values.mean() / (1 + lam)), False, "wrong mean", f"item {ITEM}'s own ratings")
    verdict(check(0.0), False, "random unit vectors", "does not cancel")
    verdict(check(mean / (1 + lam) + 0.3), False, "Try y_i = c e")
    verdict(check(np.full(4, mean / (1 + lam))), False, "one number", "shape (4,)")
    verdict(check("3.1"), False, "number or an array")
    verdict(check([1, [2]]), False, "numpy cannot turn")
    verdict(check(np.nan), False, "NaN")
    verdict(check(True), False, "True/False")


def test_identical_start_worked_answer():
    """The notebook's exercise 08.3: item 50 of the synthetic training set, regParam 0.12."""
    from mfedu.data import train_test_split
    train, _ = train_test_split(make_synthetic(seed=0).explicit, test_fraction=0.2, seed=0)
    answer = train.values[train.items == 50].mean() / (1 + 0.12)              # the worked answer
    verdict(checks.identical_start(answer, train, item=50, reg_param=0.12), True, "mean 3.1228")


def test_identical_start_bad_arguments():
    with pytest.raises(ValueError, match="item"):
        checks.identical_start(None, SYN, SYN.n_items, 0.12)
    with pytest.raises(TypeError, match="item"):
        checks.identical_start(None, SYN, 2.0, 0.12)
    with pytest.raises(ValueError, match="reg_param"):
        checks.identical_start(None, SYN, ITEM, -1.0)
    with pytest.raises(TypeError, match="ratings"):
        checks.identical_start(None, SYN.to_dense(), ITEM, 0.12)
    unrated = next(i for i in range(SYN.n_items) if i not in set(SYN.items.tolist()))
    with pytest.raises(ValueError, match="at least one rating"):
        checks.identical_start(None, SYN, unrated, 0.12)


def test_fold_in_spark_singular_mistake_does_not_swallow_answers():
    """Fewer ratings than factors: the no-penalty system is singular, and must not match anything."""
    two = {5: 4.0, 17: 5.0}                                     # n = 2 < k = 3
    idx, r = np.array(list(two)), np.array(list(two.values()))
    good = ridge(Y[idx], r, REG * 2)
    verdict(checks.fold_in_spark(good, two, Y, REG), True)
    verdict(checks.fold_in_spark(good + 0.3, two, Y, REG), False, "reg_param * n * np.eye(k)")
    verdict(checks.fold_in_spark(np.linalg.pinv(Y[idx].astype(float)) @ r, two, Y, REG), False, "regularisation is missing")
