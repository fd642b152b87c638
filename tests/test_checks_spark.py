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
    assert {"spark_blocks", "fold_in_spark"} <= set(checks.__dict__)
    assert checks.spark_blocks is checks.spark.spark_blocks
    assert checks.fold_in_spark is checks.spark.fold_in_spark


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
