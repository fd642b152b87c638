"""Self-checks for notebook 09: advanced MF (SVD++, time effects, confidence weights)."""
from __future__ import annotations

import numpy as np

from .._validate import check_float, check_int
from ..advanced import implicit_sums, svdpp_gradients
from ..data import Ratings, check_ratings
from ._feedback import NOT_ATTEMPTED, Feedback, _quiet, _start

__all__: list[str] = ["z_gradient", "day_offsets_time_split", "confidence_weight"]   # mfedu.checks.<name>

DAY = 86_400      # seconds


# ----------------------------------------------------------------------------- exercise 09.1

def _z_row(train, N, X, Y, Z, mu, bu, bi, lam_z, item, *, d_power=0.5, factor=2.0, with_s=True,
           penalty="m_j"):
    """dL/dz_j of notebook 09, eq. (2), for one item j, with the knobs that reproduce the likely
    mistakes: d_u = |N(u)|^(-d_power) (0: no normalisation, 1: 1/|N(u)|), the factor of the
    square (1: dropped), the implicit term left out of e_ui (with_s=False), and the penalty's
    weight ("m_j", "one", or "none")."""
    N = N.tocsr()
    size = np.diff(N.indptr).astype(np.float64)
    d = np.divide(1.0, size ** d_power, out=np.zeros_like(size), where=size > 0)
    S = (N @ Z) * d[:, None] if with_s else np.zeros_like(X)
    u, i = train.users, train.items
    e = train.values - (mu + bu[u] + bi[i] + np.einsum("jk,jk->j", X[u] + S[u], Y[i]))
    holders = N[:, item].nonzero()[0]                   # the users whose N(u) holds j
    data = np.zeros(Y.shape[1])
    for v in holders:
        mine = u == v
        data += d[v] * (e[mine] @ Y[i[mine]])
    m_j = len(holders)
    weight = {"m_j": m_j, "one": 1.0, "none": 0.0}[penalty]
    return -factor * data + factor * lam_z * weight * Z[item]


@_quiet
def z_gradient(answer, train: Ratings, N, X, Y, Z, mu: float, bu, bi, lam_z: float, item: int) -> Feedback:
    """Exercise 09.1: dL/dz_j of eq. (2) for one item j (a length-k vector), by hand:

        dL/dz_j = -2 sum_{u : j in N(u)} |N(u)|^(-1/2) sum_{i in R(u)} e_ui y_i + 2 lam_z m_j z_j.

    Diagnosed: the sign flipped, the factor 2 dropped (everywhere, or in the penalty only),
    |N(u)|^(-1/2) left out or taken as 1/|N(u)|, the implicit term left out of e_ui, the penalty
    left out or without its m_j, the
    gradient of y_j instead (the ratings OF item j), and a rounded answer. The problem's arguments
    are validated by ``svdpp_gradients``; ``item`` must be in some N(u)."""
    full = svdpp_gradients(train, N, X, Y, Z, mu, bu, bi, 0.0, lam_z)          # validates the model
    train, N = check_ratings(train, "train"), N.tocsr().astype(np.float64)
    X, Y, Z = (np.asarray(A, dtype=np.float64) for A in (X, Y, Z))
    bu, bi = np.asarray(bu, dtype=np.float64), np.asarray(bi, dtype=np.float64)
    mu, lam_z = float(mu), check_float(lam_z, "lam_z", low=0.0)
    item = check_int(item, "item", low=0, high=train.n_items - 1)
    if N[:, item].nnz == 0:
        raise ValueError(f"item must be in some N(u) (otherwise its gradient is 0), got {item}")
    k = Y.shape[1]
    a, fb = _start(answer, (k,), "dL/dz_j", nan_hint="|N(u)| is never 0 for a user who holds j.")
    if fb is not None:
        return fb
    args = (train, N, X, Y, Z, mu, bu, bi, lam_z, item)
    want = full["Z"][item]
    assert np.allclose(want, _z_row(*args), rtol=1e-9, atol=1e-12)
    scale = np.abs(want).max() + 1e-12
    same = lambda b: np.allclose(a, b, rtol=1e-6, atol=1e-9 * scale)     # noqa: E731
    if same(want):
        return Feedback(True, f"dL/dz_j = {np.round(want, 4).tolist()}: x_u's error signal "
                              "sum_i e_ui y_i, scaled by |N(u)|^(-1/2) and summed over the users "
                              "who hold j, plus the penalty 2 lam_z m_j z_j.")
    mistakes = [
        (-want, "the sign is flipped: e_ui = r_ui - r̂_ui, so d e_ui / d z_j = -|N(u)|^(-1/2) y_i "
                "and the data part is -2 sum ... e_ui y_i."),
        (want / 2, "that is half the gradient: the square e_ui^2 gives 2 e_ui, and the penalty's "
                   "derivative is 2 lam_z m_j z_j."),
        (_z_row(*args, d_power=0.0), "s_u carries the factor |N(u)|^(-1/2): each user's error "
                                     "signal is multiplied by it (it is not 1)."),
        (_z_row(*args, d_power=1.0), "the factor is |N(u)|^(-1/2), the inverse square ROOT of the "
                                     "size of N(u), not 1/|N(u)|."),
        (_z_row(*args, with_s=False), "the prediction in e_ui includes the implicit term y_i . s_u "
                                      "(r̂_ui = mu + b_u + b_i + y_i . (x_u + s_u)); you left s_u out."),
        (_z_row(*args, penalty="none"), "the penalty lam_z m_j |z_j|^2 is missing: add 2 lam_z m_j z_j."),
        (want - lam_z * N[:, item].nnz * Z[item], "the data part is right; the penalty's derivative is "
                                                  "2 lam_z m_j z_j (the square |z_j|^2 gives the 2), not lam_z m_j z_j."),
        (_z_row(*args, penalty="one"), "the penalty of eq. (2) weights |z_j|^2 by m_j, the number of "
                                       "users whose N(u) holds j: its derivative is 2 lam_z m_j z_j."),
    ]
    for value, message in mistakes:
        if same(value):
            return Feedback(False, message)
    u, i = train.users, train.items
    e = train.values - (mu + bu[u] + bi[i] + np.einsum("jk,jk->j", X[u] + implicit_sums(N, Z)[u], Y[i]))
    of_j = i == item
    for value in (-2 * e[of_j] @ (X[u[of_j]] + implicit_sums(N, Z)[u[of_j]]),):
        if same(value) or same(value + 2 * lam_z * N[:, item].nnz * Z[item]):
            return Feedback(False, "that sums over the ratings OF item j (y_j's gradient); z_j sits in "
                                   "s_u of every user who holds j, so it collects their errors on ALL "
                                   "the items they rated, each times that item's y_i.")
    if np.allclose(a, want, rtol=5e-3, atol=5e-3 * scale):
        return Feedback(False, f"close, but rounded: give it unrounded ({np.round(want, 6).tolist()}...).")
    return Feedback(False, "walk the chain rule: r̂_ui holds y_i . s_u, s_u holds "
                           "|N(u)|^(-1/2) z_j for each j in N(u); sum -2 e_ui |N(u)|^(-1/2) y_i over "
                           "every rating of every user who holds j, then add 2 lam_z m_j z_j.")


# ----------------------------------------------------------------------------- exercise 09.2

CHOICES = {"a": "every test rating gets its user's day offsets",
           "b": "only test ratings on a day on which the same user also rated in training",
           "c": "none: every test rating is later than the user's training ratings"}


def _same_day_share(train, test, by_user=True):
    """The share of test ratings on a day on which (the same user, if by_user) rated in train.
    Days are calendar days (UTC), as mfedu.advanced.time_effects counts them: times // DAY."""
    day = lambda r: r.times // DAY     # noqa: E731
    if by_user:
        key = lambda r: r.users.astype(np.int64) * (1 << 32) + day(r)     # noqa: E731
        return float(np.isin(key(test), key(train)).mean())
    return float(np.isin(day(test), day(train)).mean())


DIRECTIONS = ("higher", "lower")


@_quiet
def day_offsets_time_split(answer, train: Ratings, test: Ratings, reference: float | None = None) -> Feedback:
    """Exercise 09.2 (predict): on a time-ordered split, what share of the test ratings can a day
    offset b_{u,t} change (those made on a day on which the same user also rated in training)?

    ``answer`` = (word, share), the share as a fraction in [0, 1]. With ``reference`` (the share
    on another time-ordered split, e.g. notebook 09's section 3 with a 20 % test), the word is the
    prediction "higher" or "lower" than the reference; without it, the word is a letter of
    ``CHOICES`` (which ratings a day offset can change).

    Diagnosed: the direction the wrong way (the straddling session is about one per user,
    whatever the test fraction), the reference split's share instead of this one's, "a" (b_{u,t}
    is 0 on a day not seen in training), "c" (a user's last training session and first test
    session can be the same day), the share as a percentage, the share of the OTHER ratings, the
    share counted by day alone (any user), and a share far off."""
    train, test = check_ratings(train, "train"), check_ratings(test, "test")
    if reference is not None:
        reference = check_float(reference, "reference", low=0.0, high=1.0)
    for name, r in (("train", train), ("test", test)):
        if r.times is None:
            raise ValueError(f"{name} must have times (Ratings(..., times=...))")
    if train.shape != test.shape:
        raise ValueError(f"test must have the shape of train {train.shape}, got {test.shape}")
    if answer is None:
        return NOT_ATTEMPTED
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return Feedback(False, 'give a pair (word, share), e.g. ("higher", 0.5).' if reference is not None
                        else 'give a pair (letter, share), e.g. ("a", 0.5).')
    letter, share = answer
    if letter is None or share is None:
        return Feedback(False, "both parts are needed: replace each None.")
    words = DIRECTIONS if reference is not None else tuple(CHOICES)
    if not isinstance(letter, str) or letter.strip().strip("()").lower() not in words:
        return Feedback(False, "the first part should be one of the " + ("words " if reference is not None else "letters ")
                        + ", ".join(f'"{w}"' for w in words) + ".")
    letter = letter.strip().strip("()").lower()
    want = _same_day_share(train, test)
    if reference is not None:
        return _direction_feedback(letter, share, want, reference, train, test)
    if letter == "a":
        return Feedback(False, "b_{u,t} is fitted only for the days on which u rated in TRAINING; on any "
                               "other day it is 0 (nothing was learned about that day's mood).")
    if letter == "c":
        return Feedback(False, "each user's split is by time, but a user rates in sessions: the session "
                               "that straddles the cut puts ratings of one day on both sides.")
    s, fb = _start(share, (), "the share")
    if fb is not None:
        return fb
    s = float(s)
    if abs(s - want) <= 0.005:
        return Feedback(True, f"(b): only the {want:.1%} of test ratings made on a day their user also "
                              "rated in training get a b_{u,t}; the other ratings get 0 from it.")
    return _share_slip(s, want, train, test, "right letter; ")


def _direction_feedback(word, share, want, reference, train, test) -> Feedback:
    """Exercise 09.2 with a reference share: the word is "higher" or "lower"."""
    s, fb = _start(share, (), "the share")
    if fb is not None:
        return fb
    s = float(s)
    right = "lower" if want < reference else "higher"
    why = ("a day offset reaches only the test ratings of the session that straddles each user's cut: "
           "about one session per user whatever the test fraction, so a larger test set dilutes it and "
           "a smaller one concentrates it")
    if abs(s - want) <= 0.005:
        if word == right:
            return Feedback(True, f"{right}: {want:.1%} against {reference:.1%}; {why}.")
        return Feedback(False, f"the share is right ({want:.1%}), so it is {right} than {reference:.1%}, not "
                               f"{word}: {why}.")
    if abs(s - reference) <= 0.005:
        return Feedback(False, "that is the reference split's share; count on THIS split (its train and test).")
    return _share_slip(s, want, train, test, "")


def _share_slip(s, want, train, test, prefix) -> Feedback:
    """Exercise 09.2's wrong shares, for both forms: a percentage, the complement, days counted
    without their user, or else a recount hint (``prefix``: what was right before the share)."""
    if 1 < s <= 100 and abs(s / 100 - want) <= 0.005:
        slip = f"give the share as a fraction ({want:.3f}), not a percentage."
    elif abs(s - (1 - want)) <= 0.005:
        slip = "that is the share of the OTHER test ratings (on days the user did not rate in training)."
    elif abs(s - _same_day_share(train, test, by_user=False)) <= 0.005:
        slip = ("a day offset belongs to a (user, day) pair: count a test rating only if the SAME user "
                "rated in training on that day.")
    else:
        slip = "recount the share: for each test rating, is its (user, day) among train's (user, day) pairs? (day = time // 86,400)"
    return Feedback(False, prefix + slip)


# ----------------------------------------------------------------------------- exercise 09.3

@_quiet
def confidence_weight(answer, noise_sd: float, clean_sd: float = 0.8) -> Feedback:
    """Exercise 09.3: the weight c of a rating with extra noise of sd ``noise_sd``, relative to a
    clean rating whose error has sd ``clean_sd``: inverse variances, c = clean_sd^2 /
    (clean_sd^2 + noise_sd^2) = 1 / (1 + noise_sd^2 / clean_sd^2).

    Diagnosed: standard deviations instead of variances, the clean part left out of the noisy
    rating's variance, the ratio upside down (or not inverted), the clean scale left out, the
    square root of the weight, and an answer rounded below three significant figures."""
    s = _star_scale(noise_sd, "noise_sd")
    c0 = _star_scale(clean_sd, "clean_sd")
    a, fb = _start(answer, (), "c", nan_hint="the variances are > 0, so no 0/0 should occur.")
    if fb is not None:
        return fb
    a = float(a)
    want = 1 / (1 + s ** 2 / c0 ** 2)
    close = lambda v: np.isclose(a, v, rtol=2e-3)     # noqa: E731    three significant figures
    if close(want):
        return Feedback(True, f"c = 1 / (1 + {s:g}^2 / {c0:g}^2) = {want:.4f}: such a rating counts "
                              f"like {want:.2f} of a clean one, the ratio of their error variances.")
    mistakes = [
        (1 / (1 + s / c0), "weights are inverse VARIANCES: square the two standard deviations."),
        (c0 ** 2 / s ** 2, "the noisy rating's error variance is the clean variance PLUS the added one: "
                           f"{c0:g}^2 + {s:g}^2."),
        (1 + s ** 2 / c0 ** 2, "that is the ratio of the variances the wrong way up: the noisier rating "
                               "must count LESS, c < 1."),
        (1 / (1 + s ** 2), f"the added variance is measured against the clean variance {c0:g}^2, not 1."),
        (np.sqrt(want), "that is the square root of the weight: the loss weights SQUARED errors, so "
                        "it uses the ratio of variances, not of standard deviations."),
        (s ** 2 / (c0 ** 2 + s ** 2), "that is the share of the noisy rating's variance that is ADDED "
                                      "noise, 1 - c; the weight is the clean share."),
    ]
    for value, message in mistakes:
        if close(value):
            return Feedback(False, message)
    if np.isclose(a, want, rtol=0.02):
        return Feedback(False, f"close, but rounded too far: give three significant figures ({want:.3g}).")
    return Feedback(False, f"a rating's weight is proportional to 1 / (its error variance); "
                           f"the clean one's is {c0:g}^2, the noisy one's {c0:g}^2 + {s:g}^2.")


def _star_scale(value, name: str) -> float:
    """A standard deviation on the scale of stars: > 0 and at most 1e6 (so its square and ratios
    stay finite in float64)."""
    value = check_float(value, name, low=0.0, low_open=True)
    if not 1e-6 <= value <= 1e6:
        raise ValueError(f"{name} must be > 0 and on the scale of stars (between 1e-6 and 1e6), got {value:g}")
    return value
