"""A planted data set shaped like MovieLens-100K, generated from known factors.

Because we know the truth behind every rating, the notebooks can show the best error any
method could reach (the "oracle") and how well learned factors recover the true ones.

The model (all symbols as in the notation table of appendix A1, with a star for "true"):

    s*_ui = mu* + b*_u + b*_i + x*_u . y*_i          (the true score; x*_u . y*_i has rank 8)
    z_ui  = s*_ui + eps_ui,   eps_ui ~ N(0, sigma^2)  (a noisy opinion)
    r_ui  = 1 + #{j : z_ui > t_j}                     (stars; cut points t_1 < ... < t_4)

The cut points are the quantiles of z that give MovieLens-100K's star histogram for 1-4 stars
(6% / 11% / 27% / 34%); the remaining 22% get five stars (MovieLens-100K: 21%; its published
shares are rounded and sum to 99%). The expected rating, the best possible prediction under squared
error, then has a closed form: E[r_ui] = 1 + sum_j Phi((s*_ui - t_j) / sigma).

Which pairs are observed: each user u rates n_u items (at least 20, long-tailed), drawn without
replacement with probability proportional to popularity_i * exp(affinity_ui): people watch
popular films and films they expect to like, so ratings are not missing at random.
The implicit variant draws its own (user, item) pairs the same way, with a stronger pull of
affinity, and gives each a play count with a heavy tail that grows with s*_ui.

Run ``python -m mfedu.synthetic [FOLDER]`` to rewrite the committed files (mfedu/data_files/, or
FOLDER), byte for byte the same.
"""
from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import ndtr

from ._validate import check_float, check_folder, check_ids, check_int, check_scale, check_vector, format_bytes
from .data import SYNTHETIC_FILES, SYNTHETIC_ITEMS, Ratings, check_ratings, synthetic_dir
from .loss import predict

GENRES = ("drama", "comedy", "action", "romance", "sci-fi", "thriller", "animation", "documentary")
GENRE_SHARE = np.array([0.24, 0.20, 0.14, 0.12, 0.10, 0.09, 0.06, 0.05])
# How strongly tastes differ, per genre (the sd of x*_ug): action, romance and sci-fi divide
# people a lot, drama and comedy hardly at all.
TASTE_SD = np.array([0.15, 0.20, 0.70, 0.70, 0.80, 0.25, 0.30, 0.20])
OFF_GENRE_SD = 0.08                                      # how much items mix genres
STAR_SHARE = np.array([0.06, 0.11, 0.27, 0.34, 0.21])   # MovieLens-100K's histogram, 1..5 stars
PULL_EXPLICIT, PULL_IMPLICIT = 0.8, 2.0                  # how strongly taste steers what is rated/played
MIN_PER_USER = 20                                        # every user rates at least this many items
# make_synthetic holds about six dense n_users x n_items float64 arrays at once (the true scores,
# the drawing keys, their argsort...), about 48 bytes per (user, item) cell; it refuses sizes
# above MAX_CELLS cells (e.g. 5,000 x 5,000, about 1.2 GB) instead of running out of memory.
BYTES_PER_CELL, MAX_CELLS = 48, 25_000_000


def _expected_stars(score, thresholds, sigma: float) -> np.ndarray:
    """E[r] = 1 + sum_j Phi((s - t_j) / sigma) for r = 1 + #{j : s + eps > t_j}, eps ~ N(0, sigma^2):
    the expected star of every score in ``score`` (any shape), the oracle prediction."""
    s = np.asarray(score, dtype=np.float64)
    return 1.0 + ndtr((s[..., None] - thresholds) / sigma).sum(axis=-1)


def _rmse_of(ratings: Ratings, predicted: np.ndarray) -> float:
    """RMSE of ``predicted`` against the stars of ``ratings`` (already checked)."""
    check_scale(ratings.values, "ratings")      # stars: their squared errors must not overflow
    err = ratings.values - predicted
    return float(np.sqrt(np.mean(err ** 2)))


@dataclass(frozen=True, eq=False)
class Truth:
    """What generated the synthetic ratings.

    X (m x 8), Y (n x 8): true factors; column g is genre GENRES[g]. mu, bu (m,), bi (n,):
    true global offset and biases. sigma: sd of the opinion noise eps. thresholds: the cut
    points t_1..t_4 between stars. noise: eps for each explicit rating (aligned with it).
    item_genre: each item's dominant genre (an index into GENRES).
    log_pop (n,): each item's log popularity; score_mean: the mean of s*_ui over all m n pairs.
    Together they give the weights with which the pairs were drawn (``play_weight``).
    """

    X: np.ndarray
    Y: np.ndarray
    mu: float
    bu: np.ndarray
    bi: np.ndarray
    sigma: float
    thresholds: np.ndarray
    noise: np.ndarray
    item_genre: np.ndarray
    genres: tuple[str, ...] = GENRES
    log_pop: np.ndarray | None = None
    score_mean: float = 0.0

    def score(self, users, items) -> np.ndarray:
        """s*_ui = mu* + b*_u + b*_i + x*_u . y*_i for aligned arrays of users and items, or,
        with items=None, for every item (one row per user), as ``mfedu.loss.predict``."""
        return predict(self.X, self.Y, users, items, self.mu, self.bu, self.bi)

    def play_weight(self, users, items) -> np.ndarray:
        """log pop_i + PULL_IMPLICIT (s*_ui - score_mean): the log weight with which the implicit
        pairs were drawn, so ranking a user's items by it is the oracle ranking of what gets played."""
        if self.log_pop is None:
            raise ValueError("this Truth has no log_pop (it was built without popularities)")
        i = check_ids(items, "items", len(self.bi), "n_items")
        return self.log_pop[i] + PULL_IMPLICIT * (self.score(users, items) - self.score_mean)

    def expected_rating(self, users, items) -> np.ndarray:
        """E[r_ui] = 1 + sum_j Phi((s*_ui - t_j) / sigma): the oracle prediction, for aligned
        users and items, or with items=None for every item (one row per user)."""
        return _expected_stars(self.score(users, items), self.thresholds, self.sigma)

    def oracle_rmse(self, ratings: Ratings) -> float:
        """RMSE of the oracle prediction E[r_ui] on ``ratings``: no method can expect to beat it."""
        ratings = check_ratings(ratings)
        return _rmse_of(ratings, self.expected_rating(ratings.users, ratings.items))

    def rating_propensity(self, n_rated, pull: float = PULL_EXPLICIT) -> np.ndarray:
        """P_ui, the probability that user u's draw of n_rated[u] items includes item i (m x n).

        make_synthetic draws each user's n_u items without replacement with weights
        w_ui = pop_i exp(pull (s*_ui - score_mean)) (``pull``: PULL_EXPLICIT for the ratings,
        PULL_IMPLICIT for the plays), by keeping the n_u largest keys log w_ui + G_ui, G_ui
        standard Gumbel. Replacing the n_u-th largest key by a fixed threshold tau_u gives

            P_ui = P(log w_ui + G_ui > tau_u) = 1 - exp(-w_ui e^(-tau_u)),

        with tau_u the value that makes sum_i P_ui = n_u (found by bisection). For n_u well
        above 1 this is close to the exact inclusion probability (tests/test_evaluation.py
        compares it with the share of 400 repeated draws). It is the propensity of Schnabel et
        al. (2016): the chance that a cell is observed at all (notebook 11).

        Checks: n_rated a vector of m ints in [0, n]; pull a float in [0, 100]; this Truth needs log_pop.
        """
        if self.log_pop is None:
            raise ValueError("this Truth has no log_pop (it was built without popularities)")
        m, n = len(self.bu), len(self.bi)
        n_u = check_vector(n_rated, "n_rated", dtype=np.int64)
        if len(n_u) != m or n_u.min(initial=0) < 0 or n_u.max(initial=0) > n:
            raise ValueError(f"n_rated must hold one count in [0, n_items = {n}] for each of the "
                             f"{m} users, got {len(n_u)} counts in [{n_u.min(initial=0)}, {n_u.max(initial=0)}]")
        pull = check_float(pull, "pull", low=0.0, high=100.0)
        log_w = self.log_pop[None, :] + pull * (self.score(np.arange(m), None) - self.score_mean)
        lo = log_w.min(axis=1) - 50.0         # there every P_ui = 1 to float64: the row sums to n
        hi = log_w.max(axis=1) + 50.0         # there every P_ui < e^-50: the row sums to < 1
        with np.errstate(over="ignore"):      # e^(large) = inf gives P = 1, as it should
            for _ in range(80):               # bisection; the bracket shrinks 2^80-fold
                tau = 0.5 * (lo + hi)
                too_many = -np.expm1(-np.exp(log_w - tau[:, None])).sum(axis=1) > n_u
                lo, hi = np.where(too_many, tau, lo), np.where(too_many, hi, tau)
            P = -np.expm1(-np.exp(log_w - (0.5 * (lo + hi))[:, None]))
        P[n_u == 0] = 0.0                     # the edges are exact, not approximate
        P[n_u == n] = 1.0
        return P

    def draw_stars(self, seed: int = 0) -> np.ndarray:
        """Every user's star for every item (m x n ints 1..5), as if everyone had rated the whole
        catalogue: r_ui = 1 + #{j : s*_ui + eps_ui > t_j}, with fresh noise eps_ui ~ N(0, sigma^2)
        drawn by ``seed`` (the observed ratings' own noise is not reused). Notebook 11 scores
        models on it over all cells: what no real data set can show."""
        seed = check_int(seed, "seed", low=0)
        S = self.score(np.arange(len(self.bu)), None)
        z = S + self.sigma * np.random.default_rng(seed).normal(size=S.shape)
        return 1 + np.searchsorted(self.thresholds, z, side="left")


@dataclass(frozen=True, eq=False)
class Synthetic:
    """The output of make_synthetic: explicit ratings, implicit counts, and the truth."""

    explicit: Ratings
    implicit: Ratings
    truth: Truth


def make_synthetic(seed: int = 0, n_users: int = 943, n_items: int = 1682,
                   n_ratings: int = 100_000) -> Synthetic:
    """Generate the planted data set (see the module docstring for the model).

    The defaults give MovieLens-100K's shape; ``seed=0`` gives the files committed in mfedu/data_files/.
    Runs in about a second.

    Checks: seed an int >= 0; n_users, n_items ints >= 2 with n_users * n_items <= MAX_CELLS
    (the generator works on dense n_users x n_items arrays); n_ratings an int in
    [20 n_users, n_users n_items / 2]: every user rates at least 20 items, and at most half of
    the matrix is observed (so n_items must be at least 40).
    """
    seed = check_int(seed, "seed", low=0)
    n_users = check_int(n_users, "n_users", low=2)
    n_items = check_int(n_items, "n_items", low=2)
    if n_users * n_items > MAX_CELLS:
        raise ValueError(
            f"n_users * n_items must be <= {MAX_CELLS:,}, got {n_users:,} * {n_items:,} = "
            f"{n_users * n_items:,}: make_synthetic holds about six dense n_users x n_items "
            f"arrays at once, which would need about {format_bytes(BYTES_PER_CELL * n_users * n_items)}")
    low, high = MIN_PER_USER * n_users, n_users * n_items // 2
    if low > high:
        raise ValueError(
            f"n_ratings must be an int in [{MIN_PER_USER} * n_users, n_users * n_items / 2], but "
            f"with n_users = {n_users} and n_items = {n_items} that range is empty: at most half "
            f"the matrix is observed (n_users * n_items / 2 = {high:,} ratings), which is below the "
            f"{MIN_PER_USER} ratings per user the generator needs ({low:,}); use n_items >= "
            f"{2 * MIN_PER_USER}")
    n_ratings = check_int(n_ratings, "n_ratings", low=low, high=high,
                          high_text=f"n_users * n_items / 2 = {high}")
    rng = np.random.default_rng(seed)
    k = len(GENRES)

    # Items: a dominant genre, a long-tailed popularity, a quality that popular items share.
    item_genre = rng.choice(k, size=n_items, p=GENRE_SHARE)
    log_pop = rng.normal(0.0, 1.3, size=n_items)
    Y = OFF_GENRE_SD * rng.normal(size=(n_items, k))
    Y[np.arange(n_items), item_genre] += rng.uniform(0.7, 1.3, size=n_items)
    bi = 0.35 * rng.normal(size=n_items) + 0.12 * (log_pop - log_pop.mean())
    # Users: a taste for each genre, a generosity (bias), and an activity level.
    X = rng.normal(size=(n_users, k)) * TASTE_SD
    bu = 0.35 * rng.normal(size=n_users)
    activity = np.minimum(rng.lognormal(0.0, 1.0, size=n_users), 13.0)   # at most ~700 ratings
    n_u = _apportion(n_ratings - MIN_PER_USER * n_users, activity) + MIN_PER_USER   # sums to n_ratings
    n_u = np.minimum(n_u, n_items)          # (fewer only for tiny sets where a user would run out)
    mu, sigma = 3.5, 0.8

    S_all = mu + bu[:, None] + bi[None, :] + X @ Y.T          # s*_ui for every pair, m x n
    users, items = _draw_pairs(rng, n_u, log_pop, S_all - S_all.mean(), pull=PULL_EXPLICIT)
    noise = sigma * rng.normal(size=len(users))               # eps_ui of the module docstring
    z = S_all[users, items] + noise
    thresholds = np.quantile(z, np.cumsum(STAR_SHARE)[:-1])
    stars = 1 + (z[:, None] > thresholds[None, :]).sum(axis=1)

    labels = _item_titles(item_genre)
    user_labels = tuple(f"user {u}" for u in range(n_users))
    explicit = Ratings(users, items, stars.astype(float), n_users, n_items, user_labels, labels)

    # Implicit: who played what, and how often. Plays follow affinity more strongly.
    p_users, p_items = _draw_pairs(rng, n_u, log_pop, S_all - S_all.mean(), pull=PULL_IMPLICIT)
    s_played = S_all[p_users, p_items] - mu
    counts = 1 + rng.poisson(np.exp(0.5 + 0.9 * s_played + 0.9 * rng.normal(size=len(s_played))))
    implicit = Ratings(p_users, p_items, counts.astype(float), n_users, n_items, user_labels, labels)

    truth = Truth(X, Y, mu, bu, bi, sigma, thresholds, noise, item_genre, GENRES, log_pop,
                  float(S_all.mean()))
    for arr in (X, Y, bu, bi, thresholds, noise, item_genre, log_pop):
        arr.flags.writeable = False
    return Synthetic(explicit, implicit, truth)


# ----------------------------------------------------------------------------- the timed set

DAY = 86_400                   # seconds
TIMED_START = 874_713_600      # day 0 of the timed set: midnight (UTC) of MovieLens-100K's first day, 20 Sep 1997
TIMED_DAYS = 900               # the span of the timed set, in days
DEV_POWER = 0.4                # dev_u(t) = sign(t - t_u) |t - t_u|^0.4, t in days (Koren 2009)
ITEM_DRIFT_SD, USER_DRIFT_SD, DAY_OFFSET_SD = 0.3, 0.04, 0.3
SESSION_SIZE = 15              # a user rates in sessions of about this many ratings
PULL_TIMED = 3.0               # how strongly taste steers which items the timed set's users rate


@dataclass(frozen=True, eq=False)
class TimedTruth:
    """What generated the timed synthetic ratings (``make_timed``): the static truth plus three
    effects of time, in the terms of Koren (2009), "Collaborative filtering with temporal
    dynamics". With t the day of a rating (0 .. n_days - 1):

        s*_uit = s*_ui                                 (``static.score``: mu* + b*_u + b*_i + x*_u . y*_i)
                 + beta*_i (2 t / n_days - 1)          (the item's popularity drifts linearly)
                 + alpha*_u dev_u(t)                   (the user's generosity drifts)
                 + b*_{u,t}                            (a mood for that day, one per rating session)

    with dev_u(t) = sign(t - t_u) |t - t_u|^0.4 and t_u the mean day of u's ratings.

    static: a ``Truth`` whose thresholds and noise are those of the timed stars (the cut points
    are re-fitted to MovieLens-100K's histogram after the time effects are added).
    start: the time (seconds) of day 0. item_drift (n,), user_drift (m,), user_mean_day (m,).
    session_users, session_days, session_offsets: one entry per (user, day) with ratings.
    """

    static: Truth
    start: int
    n_days: int
    item_drift: np.ndarray
    user_drift: np.ndarray
    user_mean_day: np.ndarray
    session_users: np.ndarray
    session_days: np.ndarray
    session_offsets: np.ndarray

    def day(self, times) -> np.ndarray:
        """The day index t of each time (whole seconds since 1970), as floats."""
        times = check_vector(times, "times", dtype=np.int64)
        return np.floor((times.astype(np.float64) - self.start) / DAY)

    def time_effect(self, users, items, times) -> np.ndarray:
        """beta*_i (2 t / n_days - 1) + alpha*_u dev_u(t) + b*_{u,t} for aligned users, items and
        times (b*_{u,t} is 0 on a day the user has no session)."""
        u = check_ids(users, "users", len(self.user_drift), "n_users")
        i = check_ids(items, "items", len(self.item_drift), "n_items")
        t = self.day(times)
        if not len(u) == len(i) == len(t):
            raise ValueError(f"users, items and times must have equal lengths, got {len(u)}, "
                             f"{len(i)} and {len(t)}")
        gap = t - self.user_mean_day[u]
        dev = np.sign(gap) * np.abs(gap) ** DEV_POWER
        key = self.session_users * self.n_days + self.session_days         # sorted (see make_timed)
        wanted = u * self.n_days + t.astype(np.int64)
        at = np.minimum(np.searchsorted(key, wanted), len(key) - 1)
        day_offset = np.where(key[at] == wanted, self.session_offsets[at], 0.0)
        return self.item_drift[i] * (2 * t / self.n_days - 1) + self.user_drift[u] * dev + day_offset

    def score(self, users, items, times) -> np.ndarray:
        """s*_uit: the static score plus the time effect."""
        return self.static.score(users, items) + self.time_effect(users, items, times)

    def expected_rating(self, users, items, times) -> np.ndarray:
        """E[r_uit] = 1 + sum_j Phi((s*_uit - t_j) / sigma): the oracle prediction."""
        return _expected_stars(self.score(users, items, times), self.static.thresholds, self.static.sigma)

    def oracle_rmse(self, ratings: Ratings) -> float:
        """RMSE of the oracle E[r_uit] on timed ``ratings``: no method can expect to beat it."""
        ratings = check_ratings(ratings)
        if ratings.times is None:
            raise ValueError("ratings must have times (the oracle of the timed set depends on them)")
        return _rmse_of(ratings, self.expected_rating(ratings.users, ratings.items, ratings.times))


@dataclass(frozen=True, eq=False)
class TimedSynthetic:
    """The output of make_timed: explicit ratings with times, and the truth behind them."""

    ratings: Ratings
    truth: TimedTruth


def make_timed(seed: int = 0, n_users: int = 943, n_items: int = 1682,
               n_ratings: int = 100_000) -> TimedSynthetic:
    """A planted set with time effects (see ``TimedTruth``), for notebook 09.

    The same users, items, static truth and ratings per user as ``make_synthetic(seed, ...)``,
    but the rated items are drawn again with a stronger pull of taste (PULL_TIMED = 3 instead
    of 0.8: which items a user chose to rate says more about their taste, the signal SVD++'s
    implicit term reads), and spread over
    TIMED_DAYS = 900 days from TIMED_START: each user is active for a stretch of days and rates
    in sessions (about SESSION_SIZE ratings each, all on one day). The stars are drawn again,
    from the static score plus the time effects plus noise, with cut points that keep
    MovieLens-100K's star histogram. Checks: as make_synthetic.
    """
    base = make_synthetic(seed, n_users, n_items, n_ratings)
    truth0, ratings0 = base.truth, base.explicit
    rng = np.random.default_rng([seed, 9])                 # its own stream: the base stays as it is
    m, n = ratings0.shape
    n_u = ratings0.user_counts()

    # Which items: each user rates as many items as in the base set, drawn again with a stronger
    # pull of taste (PULL_TIMED), so that the choice itself tells about the taste.
    S_all = truth0.score(np.arange(m), None)                   # s*_ui for every pair, m x n
    users, items = _draw_pairs(rng, n_u, truth0.log_pop, S_all - S_all.mean(), pull=PULL_TIMED)
    del S_all

    # When: user u is active from day a_u for L_u days and rates in sessions on distinct days.
    length = np.minimum(np.ceil(rng.lognormal(np.log(120.0), 1.0, size=m)), TIMED_DAYS).astype(np.int64)
    first = rng.integers(0, TIMED_DAYS - length + 1)
    n_sessions = np.minimum(1 + rng.poisson(n_u / SESSION_SIZE), length)
    session_users = np.repeat(np.arange(m), n_sessions)
    session_days = np.concatenate([first[u] + np.sort(rng.choice(length[u], n_sessions[u], replace=False))
                                   for u in range(m)])
    session_offsets = DAY_OFFSET_SD * rng.normal(size=len(session_users))
    starts = np.concatenate([[0], np.cumsum(n_sessions)[:-1]])
    session_of = starts[users] + (rng.random(len(users)) * n_sessions[users]).astype(np.int64)
    day = session_days[session_of]
    times = TIMED_START + day * DAY + rng.integers(0, DAY, size=len(users))

    mean_day = np.bincount(users, weights=day, minlength=m) / np.maximum(n_u, 1)
    item_drift = ITEM_DRIFT_SD * rng.normal(size=n)
    user_drift = USER_DRIFT_SD * rng.normal(size=m)
    for arr in (item_drift, user_drift, mean_day, session_users, session_days, session_offsets):
        arr.flags.writeable = False
    partial = TimedTruth(truth0, TIMED_START, TIMED_DAYS, item_drift, user_drift, mean_day,
                         session_users, session_days, session_offsets)

    # The stars: static score + time effect + noise, cut where MovieLens-100K's histogram says.
    noise = truth0.sigma * rng.normal(size=len(users))
    z = partial.score(users, items, times) + noise
    thresholds = np.quantile(z, np.cumsum(STAR_SHARE)[:-1])
    stars = 1 + (z[:, None] > thresholds[None, :]).sum(axis=1)
    for arr in (noise, thresholds):
        arr.flags.writeable = False
    static = Truth(truth0.X, truth0.Y, truth0.mu, truth0.bu, truth0.bi, truth0.sigma, thresholds,
                   noise, truth0.item_genre, truth0.genres, truth0.log_pop, truth0.score_mean)
    truth = TimedTruth(static, TIMED_START, TIMED_DAYS, item_drift, user_drift, mean_day,
                       session_users, session_days, session_offsets)
    ratings = Ratings(users, items, stars.astype(float), m, n, ratings0.user_labels,
                      ratings0.item_labels, times)
    return TimedSynthetic(ratings, truth)


def _apportion(total, weights):
    """Split ``total`` into integers proportional to ``weights`` (largest remainders)."""
    share = total * weights / weights.sum()
    out = np.floor(share).astype(np.int64)
    out[np.argsort(out - share)[: total - out.sum()]] += 1
    return out


def _draw_pairs(rng, n_u, log_pop, affinity, pull):
    """For each user u, n_u distinct items drawn with probability ~ pop_i exp(pull affinity_ui).

    Sampling without replacement by the Gumbel-top-k trick: add Gumbel noise to the log
    weights and keep each row's n_u largest keys. Returns (users, items) sorted by user, item.
    """
    keys = log_pop[None, :] + pull * affinity + rng.gumbel(size=affinity.shape)
    order = np.argsort(-keys, axis=1)
    users = np.repeat(np.arange(len(n_u)), n_u)
    items = np.concatenate([np.sort(order[u, :count]) for u, count in enumerate(n_u)])
    return users, items


def _item_titles(item_genre) -> tuple[str, ...]:
    seen = np.zeros(len(GENRES), dtype=int)
    titles = []
    for g in item_genre:
        seen[g] += 1
        titles.append(f"{GENRES[g].capitalize()} #{seen[g]}")
    return tuple(titles)


def write_files(data: Synthetic, folder: Path | None = None, seed: int = 0) -> None:
    """Write the explicit and implicit sets and the item table as TSV text into ``folder``
    (default: the package's own data folder, ``mfedu.data.synthetic_dir()``), created if it
    does not exist. ``seed`` is the seed ``data`` was made with; it is recorded in the item
    table's header.

    Checks: data a Synthetic (from make_synthetic), folder None or a folder path (a file there
    is a NotADirectoryError naming folder), seed an int >= 0."""
    if not isinstance(data, Synthetic):
        raise TypeError(f"data must be an mfedu.synthetic.Synthetic (what make_synthetic returns), "
                        f"got {type(data).__name__}")
    folder = synthetic_dir() if folder is None else check_folder(folder, "folder")
    seed = check_int(seed, "seed", low=0)
    folder.mkdir(parents=True, exist_ok=True)
    for kind, ratings, column in (("explicit", data.explicit, "rating"),
                                  ("implicit", data.implicit, "count")):
        buf = io.StringIO()
        buf.write(f"user\titem\t{column}\n")
        for u, i, v in zip(ratings.users, ratings.items, ratings.values.astype(np.int64)):
            buf.write(f"{u}\t{i}\t{v}\n")
        (folder / SYNTHETIC_FILES[kind]).write_text(buf.getvalue(), encoding="utf-8", newline="\n")
    ex = data.explicit
    lines = [f"# n_users={ex.n_users} n_items={ex.n_items} seed={seed}", "item\ttitle\tgenre"]
    lines += [f"{i}\t{t}\t{GENRES[g]}" for i, (t, g) in
              enumerate(zip(ex.item_labels, data.truth.item_genre))]
    (folder / SYNTHETIC_ITEMS).write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else synthetic_dir()
    write_files(make_synthetic(seed=0), out)
    print(f"wrote {', '.join(SYNTHETIC_FILES.values())} and {SYNTHETIC_ITEMS} to {out}")
