"""Rating data: the ``Ratings`` container, the toy table, the synthetic sets, MovieLens-100K, splits.

Everything in mfedu stores a rating matrix R (m users x n items) by its observed entries
Omega only, as three aligned arrays (COO format): ``users[j]`` rated ``items[j]`` with
``values[j]``. Ids are 0-based. ``Ratings.to_csr()`` gives the scipy.sparse matrix R.
"""
from __future__ import annotations

import hashlib
import http.client
import importlib.resources
import io
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from ._validate import (check_bool, check_choice, check_float, check_folder, check_ids, check_int,
                        check_vector, format_bytes)

# The committed synthetic sets ship inside the package (mfedu/data_files/), so every install
# (editable, `pip install .`, a wheel) has them. The repository's data/ folder holds their
# README and, in a checkout, the git-ignored download cache.
PACKAGE_DATA = "data_files"
REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

ML100K_URL = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
# SHA-256 of the official zip (4,924,029 bytes), as recorded by TensorFlow Datasets'
# url_checksums/movielens.txt; GroupLens itself publishes only an MD5
# (0e33842e24a9c977be4e0107933c0723, in ml-100k.zip.md5). Any hashlib algorithm can be
# given instead with `checksum=(name, hex)`.
ML100K_CHECKSUM = ("sha256", "50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229")
ML100K_USERS, ML100K_ITEMS, ML100K_RATINGS = 943, 1682, 100_000   # what load_movielens_100k checks

# Limits that turn an impossible request into a clear error instead of a MemoryError (or a
# frozen machine) later. Every model keeps a few numbers per user and per item (counts,
# biases, factors), so n_users = 10**12 would need 8 TB for a single such array.
MAX_USERS_OR_ITEMS = 10_000_000
MAX_DENSE_BYTES = 2 * 10**9          # to_dense() refuses a dense m x n array larger than this


@dataclass(frozen=True, eq=False)
class Ratings:
    """Observed entries of an m x n rating (or count) matrix R, in COO form.

    Parameters
    ----------
    users, items : int arrays of shape (|Omega|,)
        0-based ids: entry j is r_{users[j], items[j]} = values[j]; each (user, item) pair once.
    values : float array of shape (|Omega|,)
        Ratings (explicit) or interaction counts (implicit); finite and real.
    n_users, n_items : int
        m and n, each in [1, MAX_USERS_OR_ITEMS] (10 million). Users or items with no entries
        are allowed (they exist but are unobserved).
    user_labels, item_labels : sequence of str, optional
        Names for display (``item_labels[i]`` is the title of item i), one per user / item.
    times : int array of shape (|Omega|,), optional
        When each entry was made, in whole seconds (MovieLens: seconds since 1970-01-01 UTC);
        ``times[j]`` goes with entry j. None (the default) for data without timestamps.

    Every argument is checked (TypeError or ValueError naming it). The arrays are stored
    read-only: a Ratings never changes after it is built.
    """

    users: np.ndarray
    items: np.ndarray
    values: np.ndarray
    n_users: int
    n_items: int
    user_labels: tuple[str, ...] | None = None
    item_labels: tuple[str, ...] | None = None
    times: np.ndarray | None = None

    def __post_init__(self):
        n_users = check_size(self.n_users, "n_users", "user")
        n_items = check_size(self.n_items, "n_items", "item")
        users = check_ids(self.users, "users", n_users, "n_users")
        items = check_ids(self.items, "items", n_items, "n_items")
        values = check_vector(self.values, "values")
        if not (len(users) == len(items) == len(values)):
            raise ValueError("users, items and values must have equal lengths, got "
                             f"{len(users)}, {len(items)} and {len(values)}")
        key = users * n_items + items        # one int64 per pair: n_users * n_items < 2**63
        if len(np.unique(key)) != len(key):
            _, first, counts = np.unique(key, return_index=True, return_counts=True)
            j = first[np.argmax(counts > 1)]
            raise ValueError(f"(user, item) pairs must be unique; pair ({users[j]}, {items[j]}) "
                             "occurs more than once")
        for name, labels, n in (("user_labels", self.user_labels, n_users),
                                ("item_labels", self.item_labels, n_items)):
            object.__setattr__(self, name, _check_labels(labels, name, n))
        arrays = [("users", users), ("items", items), ("values", values)]
        if self.times is not None:
            arrays.append(("times", check_vector(self.times, "times", dtype=np.int64, length=len(values),
                                                 length_name=f"len(values) = {len(values)}")))
        for name, arr in arrays:
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "n_users", n_users)
        object.__setattr__(self, "n_items", n_items)

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        timed = ", with times" if self.times is not None else ""
        return (f"Ratings({self.n_users} users x {self.n_items} items, {len(self)} entries, "
                f"density {self.density:.2%}{timed})")

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_users, self.n_items)

    @property
    def density(self) -> float:
        """|Omega| / (m n): the fraction of the matrix that is observed."""
        return len(self) / (self.n_users * self.n_items)

    def to_csr(self) -> sp.csr_matrix:
        """R as a scipy.sparse CSR matrix (unobserved entries are structural zeros)."""
        return sp.csr_matrix((self.values, (self.users, self.items)), shape=self.shape)

    def to_dense(self, fill: float = np.nan) -> np.ndarray:
        """R as a dense m x n array with ``fill`` (a real number, NaN allowed) in the unobserved
        cells. For small data: an array above MAX_DENSE_BYTES (2 GB) is refused; use to_csr()."""
        fill = check_float(fill, "fill", allow_nan=True, allow_inf=True)
        check_dense_size(self, "to_dense()", "to_csr()")
        R = np.full(self.shape, fill, dtype=np.float64)
        R[self.users, self.items] = self.values
        return R

    def user_counts(self) -> np.ndarray:
        """n_u: the number of entries of each user."""
        return np.bincount(self.users, minlength=self.n_users)

    def item_counts(self) -> np.ndarray:
        """n_i: the number of entries of each item (its popularity)."""
        return np.bincount(self.items, minlength=self.n_items)

    def subset(self, mask: np.ndarray) -> "Ratings":
        """The entries where ``mask`` is True; same users, items and labels (and their times)."""
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (len(self),):
            raise ValueError(f"mask must be a boolean array of shape ({len(self)},)")
        times = None if self.times is None else self.times[mask]
        return Ratings(self.users[mask], self.items[mask], self.values[mask], self.n_users,
                       self.n_items, self.user_labels, self.item_labels, times)


def check_size(value, name: str, what: str) -> int:
    """n_users or n_items: an int in [1, MAX_USERS_OR_ITEMS]."""
    value = check_int(value, name, low=1)
    if value > MAX_USERS_OR_ITEMS:
        raise ValueError(f"{name} must be an int in [1, {MAX_USERS_OR_ITEMS:,}], got {value:,}: "
                         f"mfedu keeps arrays with one number per {what} (counts, biases, "
                         f"factors), and one such array would need {format_bytes(8 * value)}")
    return value


def _check_labels(labels, name: str, n: int) -> tuple[str, ...] | None:
    """None, or n display names (a list, tuple, numpy array...) returned as a tuple of str."""
    if labels is None:
        return None
    if (isinstance(labels, (str, bytes, dict, set, frozenset)) or not hasattr(labels, "__len__")
            or not hasattr(labels, "__iter__") or (isinstance(labels, np.ndarray) and labels.ndim != 1)):
        raise TypeError(f"{name} must be a sequence of {n} strings, got {type(labels).__name__}")
    if len(labels) != n:
        raise ValueError(f"{name} must be a sequence of {n} strings, got {len(labels)}")
    return tuple(str(s) for s in labels)


def check_ratings(ratings, name: str = "ratings", *, allow_empty: bool = False) -> Ratings:
    """Raise a TypeError unless ``ratings`` is a Ratings (and non-empty, unless allowed)."""
    allow_empty = check_bool(allow_empty, "allow_empty")
    if not isinstance(ratings, Ratings):
        raise TypeError(f"{name} must be an mfedu.data.Ratings, got {type(ratings).__name__}"
                        " (build one with Ratings(users, items, values, n_users, n_items))")
    if not allow_empty and len(ratings) == 0:
        raise ValueError(f"{name} must contain at least one rating")
    return ratings


def check_dense_size(ratings: Ratings, what: str, instead: str) -> None:
    """Refuse (ValueError) to build a dense m x n float64 array for ``ratings`` above
    MAX_DENSE_BYTES; ``what`` names who would build it, e.g. "to_dense()" or "impute(train)",
    and ``instead`` the sparse way to go, e.g. "to_csr()"."""
    ratings = check_ratings(ratings, "ratings", allow_empty=True)
    needed = 8 * ratings.n_users * ratings.n_items
    if needed > MAX_DENSE_BYTES:
        raise ValueError(f"{what} would need {format_bytes(needed)} for a dense "
                         f"{ratings.n_users:,} x {ratings.n_items:,} array (the limit is "
                         f"{format_bytes(MAX_DENSE_BYTES)}); use {instead}, which stores only the "
                         f"{len(ratings):,} observed entries")


def check_test(test, train: Ratings) -> Ratings | None:
    """A held-out set for a model trained on ``train``: None, or a Ratings of the same shape."""
    train = check_ratings(train, "train", allow_empty=True)
    if test is None:
        return None
    test = check_ratings(test, "test")
    if test.shape != train.shape:
        raise ValueError(f"test must have the shape of train, {train.shape}, got {test.shape}")
    return test


# ----------------------------------------------------------------------------- toy table

TOY_USERS = ("Ana", "Ben", "Chloe", "Dev", "Eun-ji", "Femi")
TOY_MOVIES = ("Alien", "Blade Runner", "The Matrix", "Notting Hill", "Amelie", "Titanic")
# Rows: users; columns: movies (three sci-fi, then three romance). 0 = not rated.
_TOY = np.array([
    [5, 4, 5, 0, 1, 0],   # Ana: sci-fi fan
    [4, 0, 5, 1, 0, 2],   # Ben: sci-fi fan
    [0, 5, 4, 2, 2, 0],   # Chloe: sci-fi, a little romance
    [1, 0, 2, 5, 4, 0],   # Dev: romance fan
    [0, 1, 0, 4, 5, 5],   # Eun-ji: romance fan
    [3, 3, 0, 3, 0, 4],   # Femi: rates everything middling (3, 3, 3, 4)
])


def toy() -> Ratings:
    """A 6 users x 6 movies table with names and 12 missing cells, for working by hand.

    Three users lean to sci-fi, two to romance, one likes both; it is rank-2 in spirit, so a
    rank-2 model explains it well. Print it with ``toy().to_dense()`` (NaN = not rated).
    """
    users, items = np.nonzero(_TOY)
    return Ratings(users, items, _TOY[users, items].astype(float), 6, 6, TOY_USERS, TOY_MOVIES)


# ----------------------------------------------------------------------------- splits

def train_test_split(ratings: Ratings, test_fraction: float = 0.2, seed: int = 0,
                     by_user: bool = False, order: str = "random") -> tuple[Ratings, Ratings]:
    """Hold out a fraction of the observed entries for testing.

    ``order="random"`` (the default):
      ``by_user=False``: a uniformly random ``round(test_fraction |Omega|)`` entries go to test.
      ``by_user=True``: each user u gives a random ``round(test_fraction n_u)`` of their own
      entries to test but always keeps at least one in train, so every user who has ratings can
      be scored.
    ``order="time"`` (ratings must have ``times``): the same counts, but the *latest* entries go
    to test, so the model is scored on the future of what it was trained on:
      ``by_user=False``: one global cut in time; the last ``round(test_fraction |Omega|)``.
      ``by_user=True``: each user's last ``round(test_fraction n_u)`` (at least one kept in train).
    Entries made in the same second are ordered at random (by ``seed``).

    Both parts keep the full n_users x n_items shape, labels and times. With a random split some
    test users or items may have no training entry at all (their factors are never fitted):
    every trainer in mfedu then predicts from what it has (the global mean plus whatever bias is
    known), never NaN, and the notebooks say when that matters. A global time cut makes this
    common: users who joined after the cut are all in test.

    Checks: ratings is a non-empty Ratings, 0 < test_fraction < 1, seed an int >= 0, by_user a
    bool, order "random" or "time" (and "time" only for ratings with times), and neither part
    comes out empty (a ValueError says how many ratings each part would get and which
    test_fraction works).
    """
    ratings = check_ratings(ratings)
    test_fraction = check_float(test_fraction, "test_fraction", low=0.0, low_open=True, high=1.0)
    if test_fraction >= 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    seed = check_int(seed, "seed", low=0)
    by_user = check_bool(by_user, "by_user")
    order = check_choice(order, "order", ("random", "time"))
    if order == "time" and ratings.times is None:
        raise ValueError('order="time" needs ratings with times (Ratings(..., times=...); '
                         'load_movielens_100k keeps them), but these ratings have none: use '
                         'order="random"')
    rng = np.random.default_rng(seed)
    # A random order of the entries; the first ones go to test. For order="time" it is sorted
    # from the latest entry to the earliest (entries of the same second stay in random order).
    sequence = rng.permutation(len(ratings))
    if order == "time":
        sequence = sequence[np.argsort(ratings.times[sequence], kind="stable")[::-1]]
    test = np.zeros(len(ratings), dtype=bool)
    if not by_user:
        n_test = int(round(test_fraction * len(ratings)))
        _check_both_parts_used(test_fraction, len(ratings), n_test)
        test[sequence[:n_test]] = True
    else:
        # Stable-sort the sequence by user: each user's entries keep their (random or time) order.
        sequence = sequence[np.argsort(ratings.users[sequence], kind="stable")]
        counts = ratings.user_counts()
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        n_test = np.minimum(np.round(test_fraction * counts).astype(int), np.maximum(counts - 1, 0))
        if n_test.sum() == 0:
            _refuse_empty_by_user_test(test_fraction, len(ratings), counts.max())
        rank_in_user = np.arange(len(sequence)) - np.repeat(starts, counts)
        test[sequence] = rank_in_user < np.repeat(n_test, counts)
    return ratings.subset(~test), ratings.subset(test)


def _check_both_parts_used(test_fraction: float, n: int, n_test: int) -> None:
    """A random split of n ratings with n_test in test must leave each part at least one."""
    if 0 < n_test < n:
        return
    split = (f"test_fraction = {test_fraction} would put {n_test} of the {n:,} ratings in test "
             f"and {n - n_test:,} in train")
    if n == 1:
        raise ValueError(f"{split}; one rating cannot be split into two non-empty parts "
                         "(ratings needs at least 2)")
    raise ValueError(f"{split}; each part needs at least one: with {n:,} ratings use "
                     f"test_fraction in [1/{n}, {n - 1}/{n}]")


def _refuse_empty_by_user_test(test_fraction: float, n: int, most: int) -> None:
    """by_user=True gave no user a test entry: say why and what works (``most`` = max n_u)."""
    split = (f"test_fraction = {test_fraction} with by_user=True would put 0 of the {n:,} ratings "
             f"in test and all {n:,} in train (each user gives round(test_fraction * n_u) of "
             "their n_u ratings to test, keeping at least one in train)")
    if most < 2:
        raise ValueError(f"{split}; every user has a single rating, which stays in train: "
                         "use by_user=False")
    raise ValueError(f"{split}; the most active user has n_u = {most}: use test_fraction >= 1/{most}")


# ----------------------------------------------------------------------------- synthetic sets

SYNTHETIC_FILES = {"explicit": "synthetic_explicit.tsv", "implicit": "synthetic_implicit.tsv"}
SYNTHETIC_ITEMS = "synthetic_items.tsv"


class CommittedFile(NamedTuple):
    """What one committed synthetic file must be: its first line(s), the number of data lines
    after them, and the SHA-256 of its bytes."""
    header: tuple[str, ...]
    rows: int
    sha256: str


# The files that `make_synthetic(seed=0)` writes (tests/test_data.py rewrites them and compares
# bytes). load_synthetic checks each file's SHA-256 before using it, so a truncated, edited or
# swapped file is refused instead of loaded as if whole; the header and row count give a precise
# message. If the generator ever changes, regenerate the files and update these lines with them.
SYNTHETIC_SHAPE = (943, 1682)                    # (n_users, n_items)
COMMITTED_FILES = {
    "synthetic_explicit.tsv": CommittedFile(
        ("user\titem\trating",), 100_000,
        "c384e9be519782b231717f960b51a7bb348541af33fe3bf973bde87ea44bad1a"),
    "synthetic_implicit.tsv": CommittedFile(
        ("user\titem\tcount",), 100_000,
        "70071874e2c0b1fb9818b01b13517538011ca6353795356ca2585bd6aced4857"),
    "synthetic_items.tsv": CommittedFile(
        ("# n_users=943 n_items=1682 seed=0", "item\ttitle\tgenre"), 1682,
        "f29b9b7acd19f0e73acbb2cbb26690c1e96f65ff5204adf76f1e842fccc85cb8"),
}


def load_synthetic(kind: str = "explicit", data_home: str | os.PathLike | None = None) -> Ratings:
    """Read the committed synthetic set: ``kind="explicit"`` (1-5 stars) or ``"implicit"`` (counts).

    The files (in mfedu/data_files/, installed with the package) are what
    ``mfedu.synthetic.make_synthetic(seed=0)`` writes, byte for byte (a test checks it). Use
    ``make_synthetic()`` when you also need the truth. ``data_home``: read the files from
    another folder instead (e.g. one written by ``python -m mfedu.synthetic FOLDER``).

    Checks: kind is "explicit" or "implicit", data_home None or a folder path (a file there is
    a NotADirectoryError naming data_home), and both files it reads
    (the ratings and synthetic_items.tsv) have exactly the committed bytes (their SHA-256 in
    COMMITTED_FILES; Windows line ends, CRLF, are read as LF). A damaged file raises a
    ValueError naming the file and what is wrong with it (the line, for a line that does not
    parse), and nothing is loaded.
    """
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a str, one of {sorted(SYNTHETIC_FILES)}, got "
                        f"{type(kind).__name__} {kind!r}")
    if kind not in SYNTHETIC_FILES:
        raise ValueError(f"kind must be one of {sorted(SYNTHETIC_FILES)}, got {kind!r}")
    folder = check_folder(data_home, "data_home") if data_home is not None else synthetic_dir()
    texts = {}
    for name in (SYNTHETIC_FILES[kind], SYNTHETIC_ITEMS):
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing; write the synthetic files into {folder} "
                                    f"with `python -m mfedu.synthetic {folder}` (or reinstall mfedu)")
        texts[name] = _read_committed(path)
    # The bytes are the committed ones, so they parse: no further checks are needed here.
    table = np.loadtxt(io.StringIO(texts[SYNTHETIC_FILES[kind]]), dtype=np.int64, delimiter="\t",
                       skiprows=1, ndmin=2)
    titles = tuple(line.split("\t")[1] for line in texts[SYNTHETIC_ITEMS].splitlines()[2:])
    n_users, n_items = SYNTHETIC_SHAPE
    return Ratings(table[:, 0], table[:, 1], table[:, 2].astype(float), n_users, n_items,
                   tuple(f"user {u}" for u in range(n_users)), titles)


def synthetic_dir() -> Path:
    """The folder of the committed synthetic files inside the installed package."""
    return Path(str(importlib.resources.files("mfedu") / PACKAGE_DATA))


def _read_committed(path: Path) -> str:
    """The text of a committed synthetic file, after checking its SHA-256 (see COMMITTED_FILES)."""
    expected = COMMITTED_FILES[path.name]
    data = path.read_bytes().replace(b"\r\n", b"\n")   # (a Windows checkout may write CRLF)
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected.sha256:
        problem = _what_is_wrong(path.name, data, expected) or (
            f"its SHA-256 is {digest}, not the committed {expected.sha256}, although every line "
            "parses (a value was changed)")
        raise ValueError(f"{path} is damaged: {problem}. Nothing was loaded; rewrite the file "
                         f"with `python -m mfedu.synthetic {path.parent}` (or reinstall mfedu).")
    return data.decode("utf-8")


def _what_is_wrong(name: str, data: bytes, expected: CommittedFile) -> str | None:
    """Describe the first thing that is wrong with a file whose bytes differ from the committed
    ones (or None if nothing specific is found). Slow, line by line, but only ever run on a
    damaged file."""
    try:
        lines = data.decode("utf-8").split("\n")
    except UnicodeDecodeError as err:
        return f"it is not UTF-8 text (byte {err.start:,} is {data[err.start]:#04x})"
    if lines[-1] != "":
        return f"it ends in the middle of line {len(lines):,} (the file was cut short)"
    lines.pop()                                     # the empty string after the final newline
    for number, want in enumerate(expected.header, start=1):
        if number > len(lines):
            return f"it ends before line {number}, which should be {want!r}"
        if lines[number - 1] != want:
            got = lines[number - 1]
            return f"line {number} should be {want!r}, got {got!r}{_header_hint(got)}"
    start = len(expected.header) + 1                # the line number of the first data row
    rows = lines[start - 1:]
    if len(rows) != expected.rows:
        return (f"it has {len(rows):,} data lines (lines {start}-{start + len(rows) - 1:,}), "
                f"expected {expected.rows:,}: the file is truncated or has lines added")
    for number, line in enumerate(rows, start=start):
        problem = (_item_line_problem(line, number - start) if name == SYNTHETIC_ITEMS
                   else _rating_line_problem(line, name == SYNTHETIC_FILES["explicit"]))
        if problem:
            return f"line {number:,}: {problem}, got {line!r}"
    return None


def _header_hint(line: str) -> str:
    """A guess at why a file's first line is not its header."""
    for other, spec in COMMITTED_FILES.items():
        if line == spec.header[0]:
            return f" (that is the first line of {other}: were the files swapped?)"
    if all(field.isdigit() for field in line.split("\t")):
        return " (a data line: the header line is missing)"
    return ""


def _rating_line_problem(line: str, explicit: bool) -> str | None:
    """What is wrong with one data line of synthetic_explicit.tsv or synthetic_implicit.tsv."""
    fields = line.split("\t")
    column = "rating" if explicit else "count"
    if len(fields) != 3 or not all(f.lstrip("-").isdigit() for f in fields):
        return f"expected three whole numbers separated by tabs (user, item, {column})"
    user, item, value = map(int, fields)
    n_users, n_items = SYNTHETIC_SHAPE
    if not 0 <= user < n_users:
        return f"user {user} is outside [0, {n_users})"
    if not 0 <= item < n_items:
        return f"item {item} is outside [0, {n_items})"
    if explicit and not 1 <= value <= 5:
        return f"rating {value} is not 1-5 stars"
    if not explicit and value < 1:
        return f"count {value} is below 1"
    return None


def _item_line_problem(line: str, item: int) -> str | None:
    """What is wrong with the data line of item ``item`` in synthetic_items.tsv."""
    fields = line.split("\t")
    if len(fields) != 3 or fields[0] != str(item) or not fields[1]:
        return f"expected item {item}, its title and its genre, separated by tabs"
    return None


# ----------------------------------------------------------------------------- MovieLens-100K

def default_data_home() -> Path:
    """Where downloads are cached: $MFEDU_DATA_HOME, else data/cache/ in the repository
    (git-ignored), else ~/.cache/mfedu when mfedu is installed outside a checkout."""
    if os.environ.get("MFEDU_DATA_HOME"):
        return Path(os.environ["MFEDU_DATA_HOME"])
    if (REPO_DATA_DIR / "README.md").exists() and (REPO_DATA_DIR.parent / "pyproject.toml").exists():
        return REPO_DATA_DIR / "cache"
    return Path.home() / ".cache" / "mfedu"


def load_movielens_100k(data_home: str | os.PathLike | None = None, download: bool = False, *,
                        url: str = ML100K_URL, checksum: tuple[str, str] = ML100K_CHECKSUM,
                        progress: bool = True) -> Ratings:
    """MovieLens-100K (943 users, 1682 movies, 100,000 ratings) with movie titles.

    Reads ``<data_home>/ml-100k/u.data`` and ``u.item``. If they are absent and
    ``download=True``, fetches the official zip from GroupLens (about 5 MB), verifies its
    checksum and unpacks it; nothing reaches the network unless you ask for it. The download
    is written to a temporary file and moved into place only once it is complete, verified and
    holds both files, so an interrupted or corrupted transfer never leaves a file that a later
    call would load.

    The data may not be redistributed (GroupLens licence): it stays in the git-ignored cache.
    Ids in the files are 1-based; the returned Ratings are 0-based (user 1 -> 0). The
    timestamps of u.data (seconds since 1970-01-01 UTC) are kept as ``times``.

    Checks: data_home None or a folder path (a file there is a NotADirectoryError naming
    data_home), download and progress bools, url an http(s) or
    file URL, checksum an (algorithm, hex digest) pair that hashlib knows (all before anything
    is created on disk). The files must have MovieLens-100K's known shape: 100,000 ratings of
    1-5 stars by users 1-943 (each with at least one rating) of movies 1-1682, each pair once,
    and 1682 titles; otherwise a ValueError names the file, the line and what is wrong.
    """
    download = check_bool(download, "download")
    progress = check_bool(progress, "progress")
    home = check_folder(data_home, "data_home") if data_home is not None else default_data_home()
    url = _check_url(url)
    checksum = _check_checksum(checksum)
    folder = home / "ml-100k"
    if not (folder / "u.data").exists():
        if not download:
            raise FileNotFoundError(
                f"MovieLens-100K was not found in {folder}. Call "
                "load_movielens_100k(download=True) to fetch it from GroupLens (about 5 MB), or "
                f"unzip ml-100k.zip from {ML100K_URL} into {home}.")
        _check_nothing_in_the_way(folder)
        _download_and_unpack(url, checksum, home, progress)
    if not (folder / "u.item").exists():
        raise FileNotFoundError(f"{folder / 'u.item'} is missing (u.data is there): the folder is "
                                f"incomplete. Delete {folder} and call "
                                "load_movielens_100k(download=True) to fetch a fresh copy.")
    users, items, stars, times = _read_u_data(folder / "u.data")
    titles = _read_u_item(folder / "u.item")
    return Ratings(users - 1, items - 1, stars.astype(float), ML100K_USERS, ML100K_ITEMS,
                   tuple(f"user {u}" for u in range(1, ML100K_USERS + 1)), titles, times)


def _check_nothing_in_the_way(folder: Path) -> None:
    """The download moves a fresh ml-100k/ folder into place: refuse (before downloading) if a
    non-empty folder or a file of that name is there, rather than delete someone's files."""
    if not folder.exists() or (folder.is_dir() and not any(folder.iterdir())):
        return
    if folder.is_dir():
        names = sorted(p.name for p in folder.iterdir())
        what = (f"a folder without u.data (it holds {', '.join(names[:5])}"
                f"{', ...' if len(names) > 5 else ''})")
    else:
        what = "a file"
    raise FileExistsError(f"{folder} is {what}, where the download would put MovieLens-100K. "
                          "Delete it (or move it elsewhere) and call "
                          "load_movielens_100k(download=True) again.")


def _check_url(url) -> str:
    if not isinstance(url, str):
        raise TypeError(f"url must be a str, got {type(url).__name__} {url!r}")
    if urllib.parse.urlparse(url).scheme not in ("http", "https", "file"):
        raise ValueError(f"url must start with https://, http:// or file://, got {url!r}")
    return url


def _check_checksum(checksum) -> tuple[str, str]:
    """An (algorithm, hex digest) pair: hashlib must know the algorithm (with a fixed digest
    length) and the digest must be that many hex digits."""
    if (not isinstance(checksum, (tuple, list)) or len(checksum) != 2
            or not all(isinstance(part, str) for part in checksum)):
        raise TypeError('checksum must be a pair of str (algorithm, hex digest), e.g. ("sha256", '
                        f'"50d2a9..."), got {type(checksum).__name__} {checksum!r}')
    algorithm, expected = checksum
    try:
        size = hashlib.new(algorithm).digest_size
    except (ValueError, TypeError):
        size = 0
    if size == 0:             # unknown, or one of the variable-length shake_* algorithms
        raise ValueError(f"checksum's algorithm must be one of hashlib's fixed-length hashes, such "
                         f"as 'sha256', 'sha1' or 'md5', got {algorithm!r}")
    if len(expected) != 2 * size or any(c not in "0123456789abcdef" for c in expected.lower()):
        raise ValueError(f"checksum's digest must be {2 * size} hex digits for {algorithm}, "
                         f"got {expected!r}")
    return algorithm, expected.lower()


def _read_u_data(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """users, items, stars (1-based ids) and times (seconds) from u.data, after checking the known shape of
    MovieLens-100K: each line "user<TAB>item<TAB>rating<TAB>timestamp", 100,000 lines."""
    def damaged(problem: str) -> ValueError:
        return ValueError(f"{path} is damaged or is not MovieLens-100K's u.data: {problem}. "
                          f"Delete {path.parent} and call load_movielens_100k(download=True) to "
                          "fetch a fresh copy.")

    lines = path.read_text(encoding="latin-1").split("\n")
    if lines[-1] == "":
        lines.pop()                                  # the empty string after the final newline
    if len(lines) != ML100K_RATINGS:
        raise damaged(f"it has {len(lines):,} lines, expected {ML100K_RATINGS:,} ratings")
    try:
        table = np.loadtxt(lines, dtype=np.int64, delimiter="\t", ndmin=2)
    except ValueError:
        table = None
    if table is None or table.shape != (ML100K_RATINGS, 4):
        for number, line in enumerate(lines, start=1):   # find the line that does not parse
            fields = line.split("\t")
            if len(fields) != 4 or not all(f.strip().isdigit() for f in fields):
                raise damaged(f"line {number:,} should be four whole numbers separated by tabs "
                              f"(user, item, rating, timestamp), got {line!r}")
        raise damaged("it does not parse as a table of four columns")
    users, items, stars, times = table[:, 0], table[:, 1], table[:, 2], table[:, 3]
    for values, what, high in ((stars, "rating", 5), (users, "user id", ML100K_USERS),
                               (items, "item id", ML100K_ITEMS)):
        outside = (values < 1) | (values > high)
        if outside.any():
            j = int(np.argmax(outside))
            raise damaged(f"line {j + 1:,} has {what} {values[j]}, outside 1-{high}")
    missing = np.flatnonzero(np.bincount(users, minlength=ML100K_USERS + 1)[1:] == 0)
    if missing.size:
        raise damaged(f"users 1-{ML100K_USERS} should all have ratings, but {missing.size} of "
                      f"them {'has' if missing.size == 1 else 'have'} none (the first: user "
                      f"{missing[0] + 1})")
    key = users * (ML100K_ITEMS + 1) + items         # one number per (user, item) pair
    order = np.argsort(key, kind="stable")           # equal pairs side by side, in file order
    repeats = order[1:][key[order][1:] == key[order][:-1]]   # rows whose pair came earlier
    if repeats.size:
        j = int(repeats.min())
        first = int(np.flatnonzero(key == key[j])[0])
        raise damaged(f"line {j + 1:,} repeats the (user, item) pair ({users[j]}, {items[j]}) "
                      f"of line {first + 1:,}")
    return users, items, stars, times


def _read_u_item(path: Path) -> tuple[str, ...]:
    """The 1682 titles of u.item, whose lines read "id|title|date|...|genre flags" in id order."""
    titles = []
    for number, line in enumerate(path.read_text(encoding="latin-1").splitlines(), start=1):
        if not line:
            continue
        fields = line.split("|")
        if len(fields) < 2 or fields[0] != str(len(titles) + 1):
            raise ValueError(
                f"{path} is damaged or is not MovieLens-100K's u.item: line {number:,} should "
                f"read '{len(titles) + 1}|title|...', got {line!r}. Delete {path.parent} and call "
                "load_movielens_100k(download=True) to fetch a fresh copy.")
        titles.append(fields[1])
    if len(titles) != ML100K_ITEMS:
        raise ValueError(f"{path} is damaged or is not MovieLens-100K's u.item: it lists "
                         f"{len(titles):,} movies, expected {ML100K_ITEMS:,}. Delete {path.parent} "
                         "and call load_movielens_100k(download=True) to fetch a fresh copy.")
    return tuple(titles)


def _download_and_unpack(url: str, checksum: tuple[str, str], home: Path, progress: bool) -> None:
    """Download ``url`` into ``home``, verify it, and move its ml-100k/ folder into place; on any
    failure nothing is left in ``home`` (the arguments were checked by the caller)."""
    algorithm, expected = checksum
    home.mkdir(parents=True, exist_ok=True)
    digest = hashlib.new(algorithm)
    fd, tmp_zip = tempfile.mkstemp(prefix=".ml-100k-", suffix=".zip.part", dir=home)
    tmp_dir = None
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(1 << 16):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    _progress_bar(done, total)
            if progress:
                sys.stderr.write("\n")
        if total and done != total:
            raise OSError(f"download of {url} was cut short: got {done} of {total} bytes. "
                          "Nothing was kept; call load_movielens_100k(download=True) again.")
        if digest.hexdigest() != expected:
            raise OSError(f"download of {url} is corrupted: {algorithm} {digest.hexdigest()} "
                          f"!= expected {expected}. Nothing was kept; try again, or download the "
                          f"zip by hand and unzip it into {home}.")
        if not zipfile.is_zipfile(tmp_zip):
            raise OSError(f"the download of {url} is not a zip archive, although it matches the "
                          "checksum given (is it the right URL and checksum?). Nothing was kept.")
        with zipfile.ZipFile(tmp_zip) as archive:
            missing = [name for name in ("ml-100k/u.data", "ml-100k/u.item")
                       if name not in archive.namelist()]
            if missing:
                raise OSError(f"{url} does not contain {' and '.join(missing)}; it is not "
                              "MovieLens-100K. Nothing was kept.")
            tmp_dir = Path(tempfile.mkdtemp(prefix=".ml-100k-", dir=home))
            archive.extractall(tmp_dir)
        target = home / "ml-100k"
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()                 # an empty folder left behind: replace it
        _check_nothing_in_the_way(target)  # (again: something may have appeared meanwhile)
        os.replace(tmp_dir / "ml-100k", target)   # atomic: all or nothing
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError,
            TimeoutError) as err:
        raise OSError(f"could not download {url}: {err}. Check your connection and try again, "
                      f"or unzip ml-100k.zip into {home} by hand.") from err
    except zipfile.BadZipFile as err:    # is_zipfile passed, yet the archive is broken
        raise OSError(f"the download of {url} is a damaged zip archive ({err}). Nothing was "
                      "kept.") from err
    finally:
        os.unlink(tmp_zip)
        if tmp_dir is not None:
            shutil.rmtree(tmp_dir, ignore_errors=True)


def _progress_bar(done: int, total: int) -> None:
    if total:
        filled = int(30 * done / total)
        sys.stderr.write(f"\rdownloading MovieLens-100K [{'#' * filled}{'.' * (30 - filled)}] "
                         f"{done / 1e6:.1f} of {total / 1e6:.1f} MB")
    else:
        sys.stderr.write(f"\rdownloading MovieLens-100K {done / 1e6:.1f} MB")
