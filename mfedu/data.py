"""Rating data: the ``Ratings`` container, the toy table, the synthetic sets, MovieLens-100K, splits.

Everything in mfedu stores a rating matrix R (m users x n items) by its observed entries
Omega only, as three aligned arrays (COO format): ``users[j]`` rated ``items[j]`` with
``values[j]``. Ids are 0-based. ``Ratings.to_csr()`` gives the scipy.sparse matrix R.
"""
from __future__ import annotations

import hashlib
import http.client
import importlib.resources
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ._validate import check_bool, check_float, check_ids, check_int, check_vector

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


@dataclass(frozen=True, eq=False)
class Ratings:
    """Observed entries of an m x n rating (or count) matrix R, in COO form.

    Parameters
    ----------
    users, items : int arrays of shape (|Omega|,)
        0-based ids: entry j is r_{users[j], items[j]} = values[j].
    values : float array of shape (|Omega|,)
        Ratings (explicit) or interaction counts (implicit); finite.
    n_users, n_items : int
        m and n. Users or items with no entries are allowed (they exist but are unobserved).
    user_labels, item_labels : sequence of str, optional
        Names for display (``item_labels[i]`` is the title of item i).

    The arrays are stored read-only: a Ratings never changes after it is built.
    """

    users: np.ndarray
    items: np.ndarray
    values: np.ndarray
    n_users: int
    n_items: int
    user_labels: tuple[str, ...] | None = None
    item_labels: tuple[str, ...] | None = None

    def __post_init__(self):
        n_users = check_int(self.n_users, "n_users", low=1)
        n_items = check_int(self.n_items, "n_items", low=1)
        users = check_ids(self.users, "users", n_users, "n_users")
        items = check_ids(self.items, "items", n_items, "n_items")
        values = check_vector(self.values, "values")
        if not (len(users) == len(items) == len(values)):
            raise ValueError("users, items and values must have equal lengths, got "
                             f"{len(users)}, {len(items)} and {len(values)}")
        key = users * n_items + items
        if len(np.unique(key)) != len(key):
            _, first, counts = np.unique(key, return_index=True, return_counts=True)
            j = first[np.argmax(counts > 1)]
            raise ValueError(f"(user, item) pairs must be unique; pair ({users[j]}, {items[j]}) "
                             "occurs more than once")
        for name, labels, n in (("user_labels", self.user_labels, n_users),
                                ("item_labels", self.item_labels, n_items)):
            if labels is not None:
                if isinstance(labels, str) or len(labels) != n:
                    raise ValueError(f"{name} must be a sequence of {n} strings")
                object.__setattr__(self, name, tuple(str(s) for s in labels))
        for name, arr in (("users", users), ("items", items), ("values", values)):
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "n_users", n_users)
        object.__setattr__(self, "n_items", n_items)

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return (f"Ratings({self.n_users} users x {self.n_items} items, {len(self)} entries, "
                f"density {self.density:.2%})")

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
        """R as a dense m x n array with ``fill`` in the unobserved cells (for small data)."""
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
        """The entries where ``mask`` is True; same users, items and labels."""
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (len(self),):
            raise ValueError(f"mask must be a boolean array of shape ({len(self)},)")
        return Ratings(self.users[mask], self.items[mask], self.values[mask], self.n_users,
                       self.n_items, self.user_labels, self.item_labels)


def check_ratings(ratings, name: str = "ratings", *, allow_empty: bool = False) -> Ratings:
    """Raise a TypeError unless ``ratings`` is a Ratings (and non-empty, unless allowed)."""
    if not isinstance(ratings, Ratings):
        raise TypeError(f"{name} must be an mfedu.data.Ratings, got {type(ratings).__name__}"
                        " (build one with Ratings(users, items, values, n_users, n_items))")
    if not allow_empty and len(ratings) == 0:
        raise ValueError(f"{name} must contain at least one rating")
    return ratings


def check_test(test, train: Ratings) -> Ratings | None:
    """A held-out set for a model trained on ``train``: None, or a Ratings of the same shape."""
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
    [3, 3, 0, 3, 0, 4],   # Femi: likes a bit of everything
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
                     by_user: bool = False) -> tuple[Ratings, Ratings]:
    """Hold out a fraction of the observed entries for testing.

    ``by_user=False``: a uniformly random ``round(test_fraction |Omega|)`` entries go to test.
    ``by_user=True``: each user u keeps ``round(test_fraction n_u)`` of their own entries for
    test but always at least one in train, so every user who has ratings can be scored.

    Both parts keep the full n_users x n_items shape and labels. With a random split some test
    users or items may have no training entry at all (their factors are never fitted): every
    trainer in mfedu then predicts from what it has (the global mean plus whatever bias is
    known), never NaN, and the notebooks say when that matters.
    """
    ratings = check_ratings(ratings)
    test_fraction = check_float(test_fraction, "test_fraction", low=0.0, low_open=True, high=1.0)
    if test_fraction >= 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    seed = check_int(seed, "seed", low=0)
    by_user = check_bool(by_user, "by_user")
    rng = np.random.default_rng(seed)
    test = np.zeros(len(ratings), dtype=bool)
    if not by_user:
        n_test = int(round(test_fraction * len(ratings)))
        test[rng.permutation(len(ratings))[:n_test]] = True
    else:
        # Shuffle, then stable-sort by user: each user's entries end up in random order.
        order = rng.permutation(len(ratings))
        order = order[np.argsort(ratings.users[order], kind="stable")]
        counts = ratings.user_counts()
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        n_test = np.minimum(np.round(test_fraction * counts).astype(int), np.maximum(counts - 1, 0))
        rank_in_user = np.arange(len(order)) - np.repeat(starts, counts)
        test[order] = rank_in_user < np.repeat(n_test, counts)
    return ratings.subset(~test), ratings.subset(test)


# ----------------------------------------------------------------------------- synthetic sets

SYNTHETIC_FILES = {"explicit": "synthetic_explicit.tsv", "implicit": "synthetic_implicit.tsv"}
SYNTHETIC_ITEMS = "synthetic_items.tsv"


def load_synthetic(kind: str = "explicit", data_home: str | os.PathLike | None = None) -> Ratings:
    """Read the committed synthetic set: ``kind="explicit"`` (1-5 stars) or ``"implicit"`` (counts).

    The files (in mfedu/data_files/, installed with the package) are what
    ``mfedu.synthetic.make_synthetic(seed=0)`` writes, byte for byte (a test checks it). Use
    ``make_synthetic()`` when you also need the truth. ``data_home``: read the files from
    another folder instead (e.g. one written by ``python -m mfedu.synthetic FOLDER``).
    """
    if kind not in SYNTHETIC_FILES:
        raise ValueError(f"kind must be one of {sorted(SYNTHETIC_FILES)}, got {kind!r}")
    folder = Path(data_home) if data_home is not None else synthetic_dir()
    path = folder / SYNTHETIC_FILES[kind]
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; write the synthetic files into {folder} with "
                                f"`python -m mfedu.synthetic {folder}` (or reinstall mfedu)")
    table = np.loadtxt(path, dtype=np.int64, delimiter="\t", skiprows=1, ndmin=2)
    titles, header = _read_items(folder / SYNTHETIC_ITEMS)
    n_users = int(header["n_users"])
    return Ratings(table[:, 0], table[:, 1], table[:, 2].astype(float), n_users, len(titles),
                   tuple(f"user {u}" for u in range(n_users)), titles)


def synthetic_dir() -> Path:
    """The folder of the committed synthetic files inside the installed package."""
    return Path(str(importlib.resources.files("mfedu") / PACKAGE_DATA))


def _read_items(path: Path) -> tuple[tuple[str, ...], dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = dict(kv.split("=") for kv in lines[0].lstrip("# ").split())
    titles = tuple(line.split("\t")[1] for line in lines[2:])
    return titles, header


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
    is written to a temporary file and renamed only once it is complete and verified, so an
    interrupted or corrupted transfer never leaves a file that a later call would load.

    The data may not be redistributed (GroupLens licence): it stays in the git-ignored cache.
    Ids in the files are 1-based; the returned Ratings are 0-based (user 1 -> 0).
    """
    download = check_bool(download, "download")
    home = Path(data_home) if data_home is not None else default_data_home()
    folder = home / "ml-100k"
    if not (folder / "u.data").exists():
        if not download:
            raise FileNotFoundError(
                f"MovieLens-100K was not found in {folder}. Call "
                "load_movielens_100k(download=True) to fetch it from GroupLens (about 5 MB), or "
                f"unzip ml-100k.zip from {ML100K_URL} into {home}.")
        _download_and_unpack(url, checksum, home, progress)
    raw = np.loadtxt(folder / "u.data", dtype=np.int64, ndmin=2)
    titles = [line.split("|")[1] for line in
              (folder / "u.item").read_text(encoding="latin-1").splitlines() if line]
    n_users = int(raw[:, 0].max())
    return Ratings(raw[:, 0] - 1, raw[:, 1] - 1, raw[:, 2].astype(float), n_users, len(titles),
                   tuple(f"user {u}" for u in range(1, n_users + 1)), tuple(titles))


def _download_and_unpack(url: str, checksum: tuple[str, str], home: Path, progress: bool) -> None:
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
        if digest.hexdigest() != expected.lower():
            raise OSError(f"download of {url} is corrupted: {algorithm} {digest.hexdigest()} "
                          f"!= expected {expected}. Nothing was kept; try again, or download the "
                          f"zip by hand and unzip it into {home}.")
        tmp_dir = Path(tempfile.mkdtemp(prefix=".ml-100k-", dir=home))
        with zipfile.ZipFile(tmp_zip) as archive:
            archive.extractall(tmp_dir)
        if not (tmp_dir / "ml-100k" / "u.data").exists():
            raise OSError(f"{url} does not contain ml-100k/u.data; it is not MovieLens-100K")
        os.replace(tmp_dir / "ml-100k", home / "ml-100k")   # atomic: all or nothing
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError,
            TimeoutError) as err:
        raise OSError(f"could not download {url}: {err}. Check your connection and try again, "
                      f"or unzip ml-100k.zip into {home} by hand.") from err
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
