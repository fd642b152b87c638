"""Evaluating honestly (notebook 11): splits, error bars, hyper-parameter search, beyond accuracy.

Splits. ``leave_k_out`` holds out k entries of every user who has more than k (at random, or
the latest k); ``mfedu.data.train_test_split`` holds out a fraction, of all entries or per user.

Noise. A score from one split and one seed is one draw of a random number. ``repeat`` scores
over several seeds and ``summarise`` reports, for values v_1 .. v_N,

    mean = (1/N) sum_s v_s,   sd = sqrt( sum_s (v_s - mean)^2 / (N - 1) ),   se = sd / sqrt(N)

(sd: the spread of one run; se: the uncertainty of the mean). Two means closer than about
2 se (of their difference) cannot be told apart.

Search. ``grid_search`` scores every combination of a grid; ``random_search`` scores n_trials
points drawn at random from a space. Both take ``score(params) -> float``, to be computed on a
VALIDATION set: a test set used to choose becomes part of training, and its score flatters.
With a budget of N trials, random search tries N distinct values of every parameter where a
grid tries only N^(1/d) of each of d; when few parameters matter, that wins (Bergstra & Bengio,
"Random Search for Hyper-Parameter Optimization", JMLR 13, 2012).

Missing not at random. Observed ratings are the cells people chose to rate, so the mean error
over a test set drawn from them is not the mean error over all cells. With P_o the probability
that cell o was observed (``mfedu.synthetic.Truth.rating_propensity`` knows it for the planted
set; real data must estimate it), ``ips_mean`` weights each observed cell by 1 / P_o
(Schnabel et al. 2016), ``snips_mean`` normalises the weights, and ``held_out_propensity``
turns P into the probability of a cell being in a random test share.

Beyond accuracy. For the top-k lists L_u = ``model.recommend(u, k, exclude=train)`` of a set
of users U (default: every user with a training entry), with n items, m users, n_i the number
of training users of item i and c_i the number of lists that contain item i:

    coverage  = |union_u L_u| / n                                  share of the catalogue shown
    novelty   = mean over (u, i in L_u) of -log2(max(n_i, 1) / m)  mean self-information, bits
    Gini      = sum_i sum_j |c_i - c_j| / (2 n^2 mean(c))          0 equal, (n-1)/n one item only
    ILD       = mean over u of  (2 / (|L_u| (|L_u| - 1))) sum_{i<j in L_u} (1 - cos(v_i, v_j))

with v_i the item vectors (default: the model's y_i). ``beyond_accuracy`` gives all four from
one set of lists. The popularity baseline (``mfedu.metrics.popularity_baseline``) is the
reference: it shows nearly everyone the same few items (tiny coverage, Gini near 1, the
lowest novelty).
"""
from __future__ import annotations

import itertools
import math
import numbers
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._validate import check_bool, check_choice, check_float, check_ids, check_int, check_matrix, check_vector
from .data import Ratings, check_ratings
from .result import FitResult, check_fit_result

DISTRIBUTIONS = ("uniform", "log", "int")


# ----------------------------------------------------------------------------- splits

def leave_k_out(ratings: Ratings, k: int = 1, seed: int = 0,
                order: str = "random") -> tuple[Ratings, Ratings]:
    """Per-user leave-k-out: every user with n_u > k gives k entries to test, the rest to train.

    ``order="random"``: k of the user's entries chosen at random (by ``seed``);
    ``order="time"`` (ratings with ``times``): the user's latest k entries (entries of the
    same second in random order), so the model is scored on each user's future.
    Users with n_u <= k keep all their entries in train (a user with nothing left to train on
    cannot be scored). Both parts keep the full shape, labels and times, as in
    ``mfedu.data.train_test_split``.

    Checks: ratings a non-empty Ratings, k an int >= 1, seed an int >= 0, order "random" or
    "time" ("time" only with times); a ValueError naming k if no user has more than k entries.
    """
    ratings = check_ratings(ratings)
    k = check_int(k, "k", low=1)
    seed = check_int(seed, "seed", low=0)
    order = check_choice(order, "order", ("random", "time"))
    if order == "time" and ratings.times is None:
        raise ValueError('order="time" needs ratings with times, but these ratings have none: '
                         'use order="random"')
    counts = ratings.user_counts()
    if counts.max() <= k:
        raise ValueError(f"k = {k} leaves nothing to test: no user in ratings has more than k "
                         f"entries (the most active has {counts.max()}); use a smaller k")
    sequence = np.random.default_rng(seed).permutation(len(ratings))
    if order == "time":                     # latest first; same-second entries stay shuffled
        sequence = sequence[np.argsort(-ratings.times[sequence], kind="stable")]
    sequence = sequence[np.argsort(ratings.users[sequence], kind="stable")]   # grouped by user
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    position = np.arange(len(sequence)) - np.repeat(starts, counts)          # 0 = first in order
    n_test = np.where(counts > k, k, 0)
    test = np.zeros(len(ratings), dtype=bool)
    test[sequence] = position < np.repeat(n_test, counts)
    return ratings.subset(~test), ratings.subset(test)


# ----------------------------------------------------------------------------- noise

@dataclass
class Summary:
    """mean, sd (ddof = 1), se = sd / sqrt(n) and n of ``values`` (what ``summarise`` returns)."""
    mean: float
    sd: float
    se: float
    n: int
    values: np.ndarray

    def __str__(self) -> str:
        return f"{self.mean:.4g} ± {self.se:.2g} (se; sd {self.sd:.2g}, n = {self.n})"


def summarise(values) -> Summary:
    """Mean, standard deviation (N - 1 in the denominator) and standard error of N >= 2 numbers.

    mean = (1/N) sum_s v_s;  sd = sqrt(sum_s (v_s - mean)^2 / (N - 1));  se = sd / sqrt(N).
    Computed on v / c, with c a power of 2 near max |v| (exact), so values near 1e308 do not
    overflow. Checks: values a 1-D array of N >= 2 finite real numbers; a ValueError if the sd
    itself is beyond float64.
    """
    v = check_vector(values, "values")
    if len(v) < 2:
        raise ValueError(f"values must hold at least 2 numbers (a spread needs two), got {len(v)}")
    largest = float(np.max(np.abs(v)))
    c = 1.0 if largest == 0.0 else float(np.ldexp(1.0, np.frexp(largest)[1] - 1))
    w = v / c
    mean_w = np.mean(w)
    sd_w = np.sqrt(np.sum((w - mean_w) ** 2) / (len(v) - 1))
    with np.errstate(over="ignore"):
        mean, sd = float(c * mean_w), float(c * sd_w)
    if not (np.isfinite(mean) and np.isfinite(sd)):
        raise ValueError("values are too spread out for float64: their standard deviation overflows")
    return Summary(mean, sd, sd / math.sqrt(len(v)), len(v), v.copy())


def repeat(score: Callable[[int], float], seeds) -> Summary:
    """``summarise([score(s) for s in seeds])``: one run per seed (a new split, a new start).

    Checks: score a callable taking a seed and returning a finite real number; seeds a
    sequence of at least 2 ints (e.g. ``range(5)``).
    """
    if not callable(score):
        raise TypeError(f"score must be a callable seed -> number, got {type(score).__name__}")
    if isinstance(seeds, (str, bytes, dict, set, frozenset)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of ints, e.g. range(5), got {type(seeds).__name__}")
    seeds = [check_int(s, f"seeds[{j}]") for j, s in enumerate(seeds)]
    if len(seeds) < 2:
        raise ValueError(f"seeds must hold at least 2 seeds (a spread needs two runs), got {len(seeds)}")
    values = [_score_value(score(s), f"score({s})") for s in seeds]
    return summarise(values)


def _score_value(value, call: str, allow_nonfinite: bool = False) -> float:
    """What ``score`` returned, as a float; ``call`` quotes the call, e.g. "score(3)"."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"score must return a real number, but {call} returned "
                        f"{type(value).__name__} {value!r}"[:300])
    return check_float(value, f"score's result {call}", allow_nan=allow_nonfinite, allow_inf=allow_nonfinite)


# ----------------------------------------------------------------------------- search

@dataclass
class SearchResult:
    """What a search found: ``best`` (the params of the best trial), its ``best_score``, and
    ``trials``, every (params, score) in the order evaluated."""
    best: dict
    best_score: float
    trials: list = field(default_factory=list)


def grid_search(score: Callable[[dict], float], grid: dict, *, minimise: bool = False) -> SearchResult:
    """Score every combination of ``grid`` ({name: list of values}) and keep the best.

    Order: itertools.product over the names in the grid's order, the LAST name varying
    fastest ({"rank": [2, 4], "lam": [0.1, 1]}: (2, 0.1), (2, 1), (4, 0.1), (4, 1)).
    ``score(params)`` is higher-is-better unless ``minimise=True``; a score that is NaN or
    +-inf (a run that diverged) is recorded but never chosen; equal scores: the first wins.
    Compute ``score`` on validation data, never on the test set (module docstring).
    Checks: score callable; grid a non-empty dict of str names to non-empty lists (tuples,
    ranges, 1-D arrays) of values; minimise a bool; at least one finite score.
    """
    _check_search(score, minimise)
    if not isinstance(grid, dict) or not grid:
        raise TypeError(f"grid must be a non-empty dict {{name: list of values}}, got {grid!r}"[:200])
    values = {name: _choices(name, entry, "grid") for name, entry in grid.items()}
    candidates = (dict(zip(values, combo)) for combo in itertools.product(*values.values()))
    return _search(score, candidates, minimise)


def random_search(score: Callable[[dict], float], space: dict, n_trials: int, seed: int = 0, *,
                  minimise: bool = False) -> SearchResult:
    """Score ``n_trials`` points drawn independently from ``space`` and keep the best
    (Bergstra & Bengio 2012).

    ``space`` maps each name to how to draw it:
      a list (or 1-D array)  one of its values, each with probability 1 / len;
      ("uniform", lo, hi)  a float, uniform on [lo, hi];
      ("log", lo, hi)      a float whose log is uniform on [log lo, log hi] (0 < lo): as many
                           draws in [1e-3, 1e-2] as in [1e-2, 1e-1], right for lam and lr;
      ("int", lo, hi)      an int, uniform on lo, lo + 1, ..., hi (both included).
    A tuple is always a distribution and a list always a set of choices. Every trial draws
    every name, in the space's order, from ``numpy.random.default_rng(seed)``: the same seed
    gives the same trials. Scores as in ``grid_search``.
    Checks: score callable; space a non-empty dict of str names to such entries (lo <= hi,
    finite); n_trials an int >= 1; seed an int >= 0; minimise a bool.
    """
    _check_search(score, minimise)
    if not isinstance(space, dict) or not space:
        raise TypeError(f"space must be a non-empty dict {{name: list or (distribution, lo, hi)}}, "
                        f"got {space!r}"[:200])
    draws = {name: _check_dimension(name, entry) for name, entry in space.items()}
    n_trials = check_int(n_trials, "n_trials", low=1)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    candidates = ({name: draw(rng) for name, draw in draws.items()} for _ in range(n_trials))
    return _search(score, candidates, minimise)


def _check_search(score, minimise) -> None:
    if not callable(score):
        raise TypeError(f"score must be a callable params -> number, got {type(score).__name__}")
    check_bool(minimise, "minimise")


def _check_name(name, what: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{what} names must be str (the keyword each value goes to), got "
                        f"{type(name).__name__} {name!r}")


def _choices(name, entry, what: str) -> list:
    """``what[name]``: a non-empty list, tuple, range or 1-D array of values, as a list (numpy
    numbers become Python ones, e.g. from np.logspace)."""
    _check_name(name, what)
    if isinstance(entry, np.ndarray) and entry.ndim == 1:
        entry = entry.tolist()
    if not isinstance(entry, (list, tuple, range)):
        raise TypeError(f"{what}[{name!r}] must be a list of values, got {type(entry).__name__} "
                        f"{entry!r}"[:200])
    if len(entry) == 0:
        raise ValueError(f"{what}[{name!r}] must hold at least one value, got none")
    return list(entry)


def _check_dimension(name, entry) -> Callable[[np.random.Generator], object]:
    """One entry of a random-search space, checked; returns the function rng -> one draw."""
    _check_name(name, "space")
    where = f"space[{name!r}]"
    if isinstance(entry, (list, np.ndarray)):
        values = _choices(name, entry, "space")
        return lambda rng: values[int(rng.integers(len(values)))]
    if not (isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[0], str)):
        raise TypeError(f"{where} must be a list of choices or a tuple (distribution, lo, hi) with "
                        f"distribution one of {DISTRIBUTIONS}, got {entry!r}"[:300])
    kind = check_choice(entry[0], f"{where}[0]", DISTRIBUTIONS)
    if kind == "int":
        lo = check_int(entry[1], f"{where} lo", low=-2**63, high=2**63 - 1)
        hi = check_int(entry[2], f"{where} hi", low=lo, high=2**63 - 1)
        return lambda rng: int(rng.integers(lo, hi, endpoint=True))
    lo = check_float(entry[1], f"{where} lo", low_open=kind == "log", low=0.0 if kind == "log" else None)
    hi = check_float(entry[2], f"{where} hi", low=lo)
    if kind == "log":
        log_lo, log_hi = math.log(lo), math.log(hi)
        return lambda rng: _between(_exp(_mix(log_lo, log_hi, rng.random())), lo, hi)
    return lambda rng: _between(_mix(lo, hi, rng.random()), lo, hi)


def _mix(lo: float, hi: float, t: float) -> float:
    """lo + t (hi - lo), written so that hi - lo cannot overflow (lo = -1e308, hi = 1e308)."""
    return lo * (1.0 - t) + hi * t


def _exp(x: float) -> float:
    """e^x, inf when beyond float64 (log hi near the largest float rounds up): then clipped."""
    with np.errstate(over="ignore"):
        return float(np.exp(x))


def _between(x: float, lo: float, hi: float) -> float:
    return float(min(max(x, lo), hi))      # rounding must not step outside [lo, hi]


def _search(score, candidates, minimise: bool) -> SearchResult:
    """Evaluate ``score`` on each candidate, in order; the first best finite score wins."""
    sign = -1.0 if minimise else 1.0
    trials, best, best_score = [], None, None
    for params in candidates:
        value = _score_value(score(dict(params)), f"score({params!r})", allow_nonfinite=True)
        trials.append((params, value))
        if np.isfinite(value) and (best is None or sign * value > sign * best_score):
            best, best_score = params, value
    if best is None:
        raise ValueError(f"score gave no finite value in {len(trials)} trials (every run diverged?)")
    return SearchResult(dict(best), best_score, trials)


# ----------------------------------------------------------------------------- missing not at random

def held_out_propensity(propensity, test_fraction: float) -> np.ndarray:
    """pi_ui = q P_ui / (1 - (1 - q) P_ui): the probability that cell (u, i) is in the test set,
    given that it is not in the training set, when each cell is observed with probability P_ui
    and a random share q = ``test_fraction`` of the observed entries is held out (notebook 11).

    P(test) = q P_ui and P(not train) = 1 - (1 - q) P_ui; their ratio is pi_ui. For small P_ui
    it is about q P_ui. Checks: propensity a vector or a matrix of probabilities in [0, 1];
    test_fraction in (0, 1]. Returns an array of propensity's shape.
    """
    P = _probabilities(propensity, "propensity", allow_zero=True)
    q = check_float(test_fraction, "test_fraction", low=0.0, low_open=True, high=1.0)
    return np.minimum(q * P / (1.0 - (1.0 - q) * P), 1.0)    # (P = 1 can round to 1 + 2e-16)


def ips_mean(values, propensity, n_total: int) -> float:
    """The inverse-propensity (IPS) estimate of the mean of a per-cell quantity over n_total
    cells, from the cells o that were observed, each with its probability P_o of being observed:

        (1 / n_total) sum_o values_o / P_o

    Unbiased when every P_o is the true probability and no cell has P = 0 (Schnabel et al.,
    "Recommendations as Treatments", ICML 2016): a cell seen with probability 0.01 stands for
    100 cells like it. The cost is variance: rare cells get large weights.
    Checks: values finite, propensity in (0, 1], both 1-D of one length; n_total an int >= len(values).
    """
    v, P = _values_and_propensities(values, propensity)
    n_total = check_int(n_total, "n_total", low=max(len(v), 1))
    with np.errstate(over="ignore"):
        estimate = float(np.sum(v / P) / n_total)
    if not np.isfinite(estimate):
        raise ValueError("values / propensity overflows float64: a propensity is too close to 0 "
                         f"(smallest {P.min():.3g}) for values this large (largest |value| "
                         f"{np.abs(v).max():.3g})")
    return estimate


def snips_mean(values, propensity) -> float:
    """The self-normalised IPS estimate: sum_o (values_o / P_o) / sum_o (1 / P_o).

    A weighted mean, so it stays inside the range of ``values`` and needs no n_total; it is
    biased (slightly, for many cells) but usually has less variance than ``ips_mean`` when the
    weights are uneven (a quarter less in notebook 11) (Swaminathan & Joachims 2015; Schnabel et al. 2016, section 3.4).
    Checks: as ``ips_mean``.
    """
    v, P = _values_and_propensities(values, propensity)
    w = P.min() / P                       # 1 / P rescaled into (0, 1]: no overflow, same ratio
    with np.errstate(over="ignore", invalid="ignore"):
        estimate = float(np.sum(w * v) / np.sum(w))
    if not np.isfinite(estimate):
        raise ValueError(f"values are too large to average in float64 (largest |value| {np.abs(v).max():.3g})")
    return estimate


def _probabilities(p, name: str, allow_zero: bool) -> np.ndarray:
    """``p`` (a vector or a matrix) as float64 probabilities in [0, 1] ((0, 1] without allow_zero)."""
    try:
        two_d = np.ndim(p) == 2
    except ValueError:                            # a ragged nested list: check_matrix names it
        two_d = True
    a = check_matrix(p, name) if two_d else check_vector(p, name)
    ok = (a >= 0.0 if allow_zero else a > 0.0) & (a <= 1.0)
    if not np.all(ok):
        raise ValueError(f"{name} must hold probabilities in {'[0' if allow_zero else '(0'}, 1], "
                         f"got {a[~ok].ravel()[0]}")
    return a


def _values_and_propensities(values, propensity) -> tuple[np.ndarray, np.ndarray]:
    v = check_vector(values, "values")
    if len(v) == 0:
        raise ValueError("values must hold at least one observed cell, got none")
    P = check_vector(propensity, "propensity")
    P = _probabilities(P, "propensity", allow_zero=False)
    if len(P) != len(v):
        raise ValueError(f"propensity must hold one probability per value ({len(v)}), got {len(P)}")
    return v, P


# ----------------------------------------------------------------------------- beyond accuracy

def catalogue_coverage(model: FitResult, train: Ratings, k: int = 10, users=None) -> float:
    """|union_u L_u| / n: the share of the n items that appear in at least one top-k list."""
    return beyond_accuracy(model, train, k, users)["coverage"]


def novelty(model: FitResult, train: Ratings, k: int = 10, users=None) -> float:
    """Mean over every recommended (u, i) of the self-information -log2(max(n_i, 1) / m), in bits.

    n_i / m is the share of the m users who have item i in train: an item everyone has gets
    0 bits, one that a single user has gets log2 m. An item with n_i = 0 is counted as if
    n_i = 1 (log2 m, the largest finite value): it is at least as novel as the rarest seen
    item, and -log2(0) = inf would make the mean infinite for one such item.
    """
    return beyond_accuracy(model, train, k, users)["novelty"]


def gini_of_recommendations(model: FitResult, train: Ratings, k: int = 10, users=None) -> float:
    """The Gini coefficient of c_i, the number of top-k lists containing item i, over ALL n items.

    G = sum_i sum_j |c_i - c_j| / (2 n^2 mean(c)) = sum_{j=1}^n (2j - n - 1) c_(j) / (n sum_i c_i)
    with c_(1) <= ... <= c_(n) sorted. 0: every item recommended equally often; (n - k) / n
    when every list is the same k items; (n - 1) / n, near 1, when one item is all there is
    (k = 1, the same item for everyone).
    """
    return beyond_accuracy(model, train, k, users)["gini"]


def intra_list_diversity(model: FitResult, train: Ratings, k: int = 10, users=None,
                         item_vectors=None) -> float:
    """Mean over lists of the mean pairwise cosine distance 1 - cos(v_i, v_j) of their items.

    v_i: row i of ``item_vectors`` (n x d), default the model's item factors y_i. 0: every
    list holds items pointing the same way; 1: orthogonal on average; up to 2. A zero vector
    has no direction: its cosine with anything is taken as 0 (distance 1), as scikit-learn's
    cosine_similarity does; so a model whose Y is zero (the popularity baseline) scores 1 on
    its own vectors: pass another model's Y (or genre vectors) to compare models on one scale.
    Lists with fewer than 2 items have no pair and are left out; if every list does, a
    ValueError (k must be >= 2).
    """
    ild = beyond_accuracy(model, train, k, users, item_vectors)["ild"]
    if np.isnan(ild):
        raise ValueError(f"intra-list diversity needs lists of at least 2 items, but with k = {k} "
                         "no list has two: use k >= 2")
    return ild


def beyond_accuracy(model: FitResult, train: Ratings, k: int = 10, users=None,
                    item_vectors=None) -> dict[str, float]:
    """{"coverage", "novelty", "gini", "ild"} (module docstring) from ONE top-k list per user.

    L_u = ``model.recommend(u, k, exclude=train)`` (the one top-k rule of mfedu: training
    items left out, ties to the lower id) for u in ``users`` (default: every user with a
    training entry). "ild" is NaN when no list has 2 items (k = 1).
    Checks: model a FitResult with finite parameters (the popularity baseline is one); train
    a Ratings of the model's shape; k an int in [1, n_items]; users None or a non-empty array
    of user ids (repeats count once); item_vectors None or a finite (n_items, d) matrix; a
    ValueError if no list has any item (every user has rated every item).
    """
    model = check_fit_result(model, "model")
    train = check_ratings(train, "train", allow_empty=True)
    m, n = model.n_users, model.n_items
    if train.shape != (m, n):
        raise ValueError(f"train must have the model's shape {(m, n)}, got {train.shape}")
    k = check_int(k, "k", low=1, high=n, high_text=f"n_items = {n}")
    if users is None:
        users = np.flatnonzero(train.user_counts())
        if len(users) == 0:
            raise ValueError("train has no entries, so there are no users to recommend to: pass users")
    else:
        users = np.unique(check_ids(users, "users", m, "n_users"))
        if len(users) == 0:
            raise ValueError("users must hold at least one user id, got none")
    V = model.Y if item_vectors is None else check_matrix(item_vectors, "item_vectors",
                                                          allow_no_columns=True)
    if V.shape[0] != n:
        raise ValueError(f"item_vectors must have one row per item (n_items = {n}), got shape {V.shape}")

    lists = [model.recommend(int(u), k, exclude=train) for u in users]      # L_u
    shown = np.concatenate(lists)
    if len(shown) == 0:
        raise ValueError("no list has an item: every chosen user has rated every item in train")
    c = np.bincount(shown, minlength=n)                                     # c_i
    n_i = np.maximum(train.item_counts()[shown], 1)
    return {"coverage": float(np.count_nonzero(c) / n),
            "novelty": float(np.mean(-np.log2(n_i / m))),
            "gini": _gini(c),
            "ild": _ild(lists, _unit_rows(V))}


def _gini(c: np.ndarray) -> float:
    """sum_j (2j - n - 1) c_(j) / (n sum c), c sorted ascending (j = 1..n)."""
    c = np.sort(c).astype(np.float64)
    n = len(c)
    j = np.arange(1, n + 1)
    return float(np.sum((2 * j - n - 1) * c) / (n * c.sum()))


def _unit_rows(V: np.ndarray) -> np.ndarray:
    """Each row divided by its length (rows scaled by their largest |entry| first, so lengths of
    rows near 1e308 do not overflow); zero rows stay zero, so their cosines are 0."""
    scale = np.max(np.abs(V), axis=1, initial=0.0)
    W = V / np.where(scale > 0, scale, 1.0)[:, None]
    norm = np.linalg.norm(W, axis=1)
    return W / np.where(norm > 0, norm, 1.0)[:, None]


def _ild(lists: list[np.ndarray], U: np.ndarray) -> float:
    """Mean over lists with >= 2 items of mean_{i<j} (1 - cos(v_i, v_j)); NaN if there are none."""
    per_list = []
    for L in lists:
        if len(L) < 2:
            continue
        cos = np.clip(U[L] @ U[L].T, -1.0, 1.0)       # rounding may give 1 + 1e-16
        upper = np.triu_indices(len(L), 1)
        per_list.append(np.mean(1.0 - cos[upper]))
    return float(np.mean(per_list)) if per_list else float("nan")
