"""Bad input and damaged data: a clear error every time, never a silent NaN or a wrong answer.

Ids and values (no wrapped-around numbers, no complex), sizes that cannot fit in memory, splits
with an empty part, and damaged synthetic files. MovieLens-100K's files and download are tested
in test_movielens.py.
"""
import re
import shutil

import numpy as np
import pytest

from mfedu.data import (MAX_USERS_OR_ITEMS, Ratings, load_synthetic, synthetic_dir, toy,
                        train_test_split)
from mfedu.synthetic import make_synthetic


# Every warning is an error here: a ComplexWarning or a RuntimeWarning from a wrapped-around
# cast must fail the test instead of passing quietly.
pytestmark = pytest.mark.filterwarnings("error")


# ----------------------------------------------------------------------------- 1. ids and values

@pytest.mark.parametrize("users, message", [
    (np.array([2**64 - 1], dtype=np.uint64), r"got 18446744073709551615$"),
    (np.array([2**63], dtype=np.uint64), r"got 9223372036854775808$"),
    ([1e20], r"got 1e\+20$"),
    ([-1e20], r"got -1e\+20$"),
    ([3.0], r"got 3.0$"),
])
def test_out_of_range_ids_are_quoted_as_given(users, message):
    with pytest.raises(ValueError, match=r"users must be in \[0, n_users\) = \[0, 3\), " + message):
        Ratings(users, [0], [1.0], 3, 3)


def test_whole_float_and_unsigned_ids_in_range_are_accepted():
    r = Ratings(np.array([2, 0], dtype=np.uint64), [1.0, 2.0], [1.0, 2.0], 3, 3)
    assert r.users.tolist() == [2, 0] and r.items.tolist() == [1, 2] and r.users.dtype == np.int64


@pytest.mark.parametrize("kwargs, name", [
    (dict(users=[0], items=[0], values=[1 + 2j]), "values"),
    (dict(users=[0], items=[0], values=np.array([1.0], dtype=np.complex64)), "values"),
    (dict(users=[0j], items=[0], values=[1.0]), "users"),
    (dict(users=[0], items=np.array([1], dtype=complex), values=[1.0]), "items"),
])
def test_complex_input_is_refused_not_truncated(kwargs, name):
    with pytest.raises(TypeError, match=f"{name} must be real, got dtype complex"):
        Ratings(n_users=3, n_items=3, **kwargs)


def test_complex_ids_are_refused_beyond_ratings_too():
    truth = make_synthetic(0, 10, 40, 200).truth
    with pytest.raises(TypeError, match="items must be real, got dtype complex128"):
        truth.play_weight([0], [1 + 0j])


# ----------------------------------------------------------------------------- 2. sizes

@pytest.mark.parametrize("n_users, n_items, message", [
    (10**12, 3, r"n_users must be an int in \[1, 10,000,000\], got 1,000,000,000,000: .*8.0 TB"),
    (3, 2**62, r"n_items must be an int in \[1, 10,000,000\], got 4,611,686,018,427,387,904"),
    (MAX_USERS_OR_ITEMS + 1, 3, r"n_users must be an int in \[1, 10,000,000\], got 10,000,001"),
])
def test_sizes_above_the_cap_are_refused_with_the_memory_needed(n_users, n_items, message):
    with pytest.raises(ValueError, match=message):
        Ratings([0], [0], [1.0], n_users, n_items)


def test_distinct_pairs_never_collide_at_the_cap():
    n = MAX_USERS_OR_ITEMS
    r = Ratings([0, n - 1, n - 1], [0, 0, n - 1], [1.0, 2.0, 3.0], n, n)   # largest key < 2**63
    assert len(r) == 3 and r.users.tolist() == [0, n - 1, n - 1]
    with pytest.raises(ValueError, match=rf"pair \({n - 1}, {n - 1}\) occurs more than once"):
        Ratings([n - 1, n - 1], [n - 1, n - 1], [1.0, 2.0], n, n)


def test_to_dense_refuses_arrays_too_large_for_memory():
    big = Ratings([0], [0], [4.0], 100_000, 100_000)
    message = r"to_dense\(\) would need 80.0 GB for a dense 100,000 x 100,000 array \(the limit is 2.0 GB\)"
    with pytest.raises(ValueError, match=message + r"; use to_csr\(\)"):
        big.to_dense()
    assert big.to_csr()[0, 0] == 4.0


def test_to_dense_fill_must_be_a_number():
    with pytest.raises(TypeError, match="fill must be a real number, got str 'x'"):
        toy().to_dense(fill="x")
    with pytest.raises(TypeError, match="fill must be a real number"):
        toy().to_dense(fill=True)
    D = toy().to_dense(fill=0)
    assert (D == 0).sum() == 12 and D[0, 0] == 5.0


@pytest.mark.parametrize("labels, exc, message", [
    (5, TypeError, "user_labels must be a sequence of 3 strings, got int"),
    ("abc", TypeError, "user_labels must be a sequence of 3 strings, got str"),
    ({"a", "b", "c"}, TypeError, "user_labels must be a sequence of 3 strings, got set"),
    (np.array([["a", "b", "c"]]), TypeError, "user_labels must be a sequence of 3 strings, got ndarray"),
    (["a", "b"], ValueError, "user_labels must be a sequence of 3 strings, got 2"),
])
def test_labels_must_be_one_name_per_user(labels, exc, message):
    with pytest.raises(exc, match=message):
        Ratings([0], [0], [1.0], 3, 3, user_labels=labels)


def test_label_sequences_of_any_kind_become_tuples_of_str():
    r = Ratings([0], [0], [1.0], 3, 3, user_labels=np.array(["a", "b", "c"]), item_labels=[1, 2, 3])
    assert r.user_labels == ("a", "b", "c") and r.item_labels == ("1", "2", "3")


# ----------------------------------------------------------------------------- 3. make_synthetic

def test_make_synthetic_refuses_sizes_that_cannot_fit_in_memory():
    message = r"n_users \* n_items must be <= 25,000,000, got 20,000 \* 20,000 = 400,000,000: "
    with pytest.raises(ValueError, match=message + ".*about 19.2 GB"):
        make_synthetic(0, 20_000, 20_000, 400_000)


def test_make_synthetic_explains_an_empty_n_ratings_range():
    message = (r"n_ratings must be an int in \[20 \* n_users, n_users \* n_items / 2\], but with "
               r"n_users = 2 and n_items = 2 that range is empty: .*n_users \* n_items / 2 = 2 "
               r"ratings.*below the 20 ratings per user.*use n_items >= 40")
    with pytest.raises(ValueError, match=message):
        make_synthetic(n_users=2, n_items=2)
    message = r"n_ratings must be an int in \[200, n_users \* n_items / 2 = 200\], got 201"
    with pytest.raises(ValueError, match=message):
        make_synthetic(0, 10, 40, 201)


def test_make_synthetic_works_at_the_smallest_sizes_it_allows():
    data = make_synthetic(0, 10, 40, 200)           # 20 ratings per user, half the matrix
    assert len(data.explicit) == 200 and data.explicit.user_counts().tolist() == [20] * 10


# ----------------------------------------------------------------------------- 4. splits

@pytest.mark.parametrize("fraction, counts", [(0.01, "0 of the 24 ratings in test and 24 in train"),
                                              (0.98, "24 of the 24 ratings in test and 0 in train")])
def test_a_split_with_an_empty_part_is_refused(fraction, counts):
    message = (rf"test_fraction = {fraction} would put {counts}; each part needs at least one: "
               r"with 24 ratings use test_fraction in \[1/24, 23/24\]")
    with pytest.raises(ValueError, match=message):
        train_test_split(toy(), fraction)


def test_the_advised_test_fractions_work():
    for fraction, n_test in ((1 / 24, 1), (23 / 24, 23)):
        train, test = train_test_split(toy(), fraction)
        assert len(test) == n_test and len(train) == 24 - n_test


def test_one_rating_cannot_be_split():
    message = "test_fraction = 0.5 would put 0 of the 1 ratings in test and 1 in train; one rating cannot"
    with pytest.raises(ValueError, match=message):
        train_test_split(Ratings([0], [0], [3.0], 1, 1), 0.5)


def test_by_user_split_with_an_empty_test_part_is_refused():
    # every toy user has 4 ratings: round(0.1 * 4) = 0 of them would go to test
    message = (r"test_fraction = 0.1 with by_user=True would put 0 of the 24 ratings in test and "
               r"all 24 in train .*n_u = 4: use test_fraction >= 1/4")
    with pytest.raises(ValueError, match=message):
        train_test_split(toy(), 0.1, by_user=True)
    train, test = train_test_split(toy(), 1 / 4, by_user=True)
    assert len(test) == 6 and test.user_counts().tolist() == [1] * 6


def test_by_user_split_of_single_rating_users_says_use_by_user_false():
    r = Ratings([0, 1], [0, 0], [1.0, 2.0], 2, 2)
    message = "test_fraction = 0.5 with by_user=True .*every user has a single rating.*use by_user=False"
    with pytest.raises(ValueError, match=message):
        train_test_split(r, 0.5, by_user=True)
    train, test = train_test_split(r, 0.5)
    assert len(train) == len(test) == 1


# ----------------------------------------------------------------------------- 5. loader arguments

@pytest.mark.parametrize("kwargs, exc, message", [
    (dict(kind=["explicit"]), TypeError, r"kind must be a str, one of \['explicit', 'implicit'\], got list"),
    (dict(kind=None), TypeError, "kind must be a str"),
    (dict(data_home=123), TypeError, r"data_home must be a folder path \(str or pathlib.Path\), got int 123"),
])
def test_load_synthetic_names_bad_arguments(kwargs, exc, message):
    with pytest.raises(exc, match=message):
        load_synthetic(**kwargs)


def test_load_synthetic_data_home_must_be_a_folder(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotADirectoryError, match="data_home must be a folder, but .* is a file"):
        load_synthetic(data_home=tmp_path / "f")


# ----------------------------------------------------------------------------- 6. damaged synthetic files

@pytest.fixture
def folder(tmp_path):
    """A copy of the committed synthetic files, to damage."""
    for path in synthetic_dir().glob("*.tsv"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def edit_lines(path, edit):
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(edit(lines)), encoding="utf-8", newline="\n")


def test_an_intact_copy_loads_like_the_package_files(folder):
    for kind in ("explicit", "implicit"):
        copy, shipped = load_synthetic(kind, data_home=folder), load_synthetic(kind)
        assert np.array_equal(copy.values, shipped.values) and copy.item_labels == shipped.item_labels


def test_a_copy_with_windows_line_ends_loads(folder):
    for path in folder.iterdir():
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert np.array_equal(load_synthetic("explicit", data_home=folder).values, load_synthetic().values)


def set_rating(line_number, value):
    def edit(lines):
        u, i, _ = lines[line_number - 1].split("\t")
        lines[line_number - 1] = f"{u}\t{i}\t{value}"
        return lines
    return edit


EXPLICIT = "synthetic_explicit.tsv"
DAMAGE = [
    # (file, edit of its lines, what the message must say after "<path> is damaged: ")
    (EXPLICIT, lambda lines: lines[:70_001] + [""],
     "it has 70,000 data lines (lines 2-70,001), expected 100,000: the file is truncated"),
    (EXPLICIT, lambda lines: lines[1:],
     r"line 1 should be 'user\titem\trating', got '0\t18\t3' (a data line: the header line is missing)"),
    (EXPLICIT, set_rating(5, 7), r"line 5: rating 7 is not 1-5 stars, got '0\t103\t7'"),
    (EXPLICIT, set_rating(100_001, -3), r"line 100,001: rating -3 is not 1-5 stars"),
    (EXPLICIT, set_rating(5, 4), "its SHA-256 is "),                 # a valid but changed value
    (EXPLICIT, set_rating(9, "x"), "line 9: expected three whole numbers separated by tabs"),
    (EXPLICIT, lambda lines: lines[:5] + ["943\t0\t3"] + lines[6:], "line 6: user 943 is outside [0, 943)"),
    (EXPLICIT, lambda lines: lines[:-1], "it ends in the middle of line 100,001 (the file was cut short)"),
    (EXPLICIT, lambda lines: [""], r"it ends before line 1, which should be 'user\titem\trating'"),
    ("synthetic_implicit.tsv", set_rating(3, 0), "line 3: count 0 is below 1"),
    ("synthetic_items.tsv", lambda lines: ["# n_users=2000 n_items=1682 seed=0"] + lines[1:],
     "line 1 should be '# n_users=943 n_items=1682 seed=0', got '# n_users=2000 n_items=1682 seed=0'"),
    ("synthetic_items.tsv", lambda lines: lines[:10] + ["8 Drama #4 drama"] + lines[11:],
     "line 11: expected item 8, its title and its genre, separated by tabs"),
    ("synthetic_items.tsv", lambda lines: lines[:1] + [""], r"it ends before line 2, which should be 'item\ttitle\tgenre'"),
    ("synthetic_items.tsv", lambda lines: lines[:1000] + [""],
     "it has 998 data lines (lines 3-1,000), expected 1,682"),
]


@pytest.mark.parametrize("name, edit, message", DAMAGE, ids=[str(i) for i in range(len(DAMAGE))])
def test_damaged_synthetic_files_are_refused_naming_file_and_line(folder, name, edit, message):
    edit_lines(folder / name, edit)
    with pytest.raises(ValueError, match=re.escape(f"{folder / name} is damaged: {message}")) as err:
        load_synthetic("implicit" if "implicit" in name else "explicit", data_home=folder)
    assert "python -m mfedu.synthetic" in str(err.value)                # says how to repair


def test_the_implicit_file_in_the_explicit_slot_is_refused(folder):
    shutil.copy(folder / "synthetic_implicit.tsv", folder / EXPLICIT)
    message = (f"{folder / EXPLICIT} is damaged: line 1 should be " r"'user\titem\trating', got "
               r"'user\titem\tcount' (that is the first line of synthetic_implicit.tsv: were the files swapped?)")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_synthetic("explicit", data_home=folder)


def test_a_file_that_is_not_text_is_refused(folder):
    (folder / EXPLICIT).write_bytes(b"user\titem\trating\n\xff\xfe\n")
    with pytest.raises(ValueError, match="synthetic_explicit.tsv is damaged: it is not UTF-8 text"):
        load_synthetic("explicit", data_home=folder)


def test_a_missing_items_file_says_how_to_write_it(folder):
    (folder / "synthetic_items.tsv").unlink()
    with pytest.raises(FileNotFoundError, match="synthetic_items.tsv is missing; .*python -m mfedu"):
        load_synthetic("explicit", data_home=folder)
