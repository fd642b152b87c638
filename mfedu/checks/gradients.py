"""Self-checks for notebook 04's conceptual exercises (gradients, step sizes)."""
from __future__ import annotations

import re

import numpy as np

from .._validate import check_float, check_int, check_vector
from ._feedback import NOT_ATTEMPTED, Feedback, _quiet

__all__: list[str] = ["step_regimes"]

REGIMES = ("monotone", "zigzag", "diverge")
# The words a reader may use for each regime, after lower-casing and removing spaces, "-" and "_".
_SYNONYMS = {
    "monotone": {"monotone", "monotonic", "monotonous", "slide", "slides", "sliding", "smooth"},
    "zigzag": {"zigzag", "zigzags", "zigzagging", "oscillate", "oscillates", "oscillating", "alternate",
               "alternates", "alternating", "bounce", "bounces"},
    "diverge": {"diverge", "diverges", "diverging", "divergent", "blowup", "blowsup", "explode",
                "explodes"},
}
_AMBIGUOUS = {"converge", "converges", "converging", "convergent", "stable", "ok", "fine"}
MAX_N_RATINGS = 10**9      # a bound for an item's number of ratings (the arithmetic stays in float64)


def _regime(factor: float) -> str:
    """What one step's factor 1 - eta h does to the distance to the minimum."""
    if factor < -1:
        return "diverge"
    return "zigzag" if factor < 0 else "monotone"


def _shown(word: str, eta: float) -> str:
    """How a message names the reader's word: quoted if it is a short plain word, else by its rate
    (a message never echoes a long string, nor "nan" or "inf", which read like a computed number)."""
    plain = word.strip()
    tokens = re.split(r"[^a-z]+", plain.lower())
    if 0 < len(plain) <= 20 and plain.replace(" ", "").replace("-", "").isalpha() \
            and "nan" not in tokens and "inf" not in tokens:
        return f"{plain!r} (eta = {eta:g})"
    return f"the word for eta = {eta:g}"


def _label(word) -> str | None:
    """The regime a reader's word names, "?" for an ambiguous word, None for an unknown one."""
    key = word.strip().lower().replace(" ", "").replace("-", "").replace("_", "").strip("\"'.!")
    if key in _AMBIGUOUS:
        return "?"
    for regime, words in _SYNONYMS.items():
        if key in words:
            return regime
    return None


@_quiet
def step_regimes(answer, etas, n_ratings: int, lam: float) -> Feedback:
    """Exercise 04.3 (predict from the parabola): gradient descent on ONE bias b_i, everything
    else held fixed. Along b_i the loss is a parabola with curvature h = d^2L/db_i^2 = 2 (n_i + lam)
    (notebook 04, eq. (5) differentiated once more), and each step multiplies the distance to the
    minimum by 1 - eta h. The answer is one word per learning rate in ``etas``:

        "monotone"  0 < 1 - eta h < 1   (eta < 1/h: slides down one side)
        "zigzag"   -1 < 1 - eta h < 0   (1/h < eta < 2/h: jumps across the minimum, converges)
        "diverge"       1 - eta h < -1  (eta > 2/h)

    Mistakes recognised: h = n_i + lam (the 2 of the square lost; also n_i alone), h = 2 n_i (lam
    lost), h = 4 (n_i + lam) (the 2 counted twice), the limit put at 1/h (a zig-zag called
    divergence), monotone and zigzag swapped. Otherwise the first wrong rate is named with its factor.
    Synonyms are accepted (oscillate, blow up, ...); "converge" is refused as ambiguous.
    """
    etas = check_vector(etas, "etas")
    if etas.size == 0 or np.any(etas <= 0):
        raise ValueError(f"etas must be a non-empty list of learning rates > 0, got {list(etas)}")
    n = check_int(n_ratings, "n_ratings", low=0, high=MAX_N_RATINGS, high_text="10**9")
    lam = check_float(lam, "lam", low=0.0)
    if n + lam == 0:
        raise ValueError("n_ratings + lam must be > 0 (otherwise the loss is flat along b_i), got 0")
    h = 2.0 * (n + lam)
    on_edge = [float(e) for e in etas if min(abs(e * h - 1), abs(e * h - 2)) < 1e-9]
    if on_edge:
        raise ValueError(f"etas must avoid 1/h = {1 / h:g} and 2/h = {2 / h:g} (h = 2 (n_ratings + lam) "
                         f"= {h:g}), where the regime is a boundary case; got {on_edge}")
    if answer is None:
        return NOT_ATTEMPTED
    if isinstance(answer, str):
        return Feedback(False, f"give one word per learning rate, a list of {len(etas)} words such as "
                               "[\"monotone\", \"zigzag\", ...], not a single str.")
    if isinstance(answer, dict):
        return Feedback(False, f"give a list of {len(etas)} words in the order of etas, not a dict.")
    try:
        words = list(answer)
    except Exception:     # the reader's object, so anything may fail: report it, do not crash
        return Feedback(False, f"give a list of {len(etas)} words (\"monotone\", \"zigzag\" or "
                               f"\"diverge\"); got a {type(answer).__name__}.")
    if len(words) != len(etas):
        return Feedback(False, f"give one word per learning rate: {len(etas)} words, got {len(words)}.")
    labels = []
    for eta, word in zip(etas, words):
        if not isinstance(word, str):
            return Feedback(False, f"each entry should be a word (a str), got a {type(word).__name__} "
                                   f"for eta = {eta:g}.")
        label = _label(word)
        if label == "?":
            return Feedback(False, f"{_shown(word, eta)} is ambiguous: both \"monotone\" and "
                                   "\"zigzag\" runs converge. Say which, or \"diverge\".")
        if label is None:
            return Feedback(False, f"{_shown(word, eta)} is not one of the three words: "
                                   "\"monotone\", \"zigzag\" or \"diverge\".")
        labels.append(label)

    def regimes(curvature):
        return [_regime(1 - e * curvature) for e in etas]

    want = regimes(h)
    factors = ", ".join(f"{1 - e * h:+.2f}" for e in etas)
    if labels == want:
        return Feedback(True, f"h = 2 (n_i + lam) = {h:g}, so 1/h = {1 / h:.3g} and 2/h = {2 / h:.3g}; "
                              f"the factors 1 - eta h are {factors}.")
    mistakes = [
        (regimes(h / 2), f"the second derivative of (n_i + lam) b_i^2 is 2 (n_i + lam) = {h:g}: you "
                         "lost the factor 2 that comes from the square."),
        (regimes(2.0 * n), f"the penalty lam b_i^2 adds 2 lam to the curvature: h = 2 (n_i + lam) = {h:g}, "
                           f"not 2 n_i = {2 * n:g}."),
        (regimes(float(n)), f"h = 2 (n_i + lam) = {h:g}: keep both the factor 2 and lam."),
        (regimes(2 * h), f"that counts the 2 twice: h = 2 (n_i + lam) = {h:g}, and the limit is 2/h, "
                         "not 1/h."),
        (["diverge" if e * h > 1 else "monotone" for e in etas],
         f"between 1/h = {1 / h:.3g} and 2/h = {2 / h:.3g} the factor 1 - eta h lies in (-1, 0): b_i "
         "jumps across the minimum but lands closer each time (zigzag). It diverges only above 2/h."),
        ([{"monotone": "zigzag", "zigzag": "monotone"}.get(w, w) for w in want],
         "monotone and zigzag are swapped: for eta < 1/h the factor 1 - eta h is positive, so b_i stays "
         "on its side of the minimum; for 1/h < eta < 2/h it is negative, so b_i crosses it every step."),
    ]
    for labels_of_mistake, message in mistakes:
        if labels == labels_of_mistake and labels_of_mistake != want:
            return Feedback(False, message)
    j = next(k for k, (a, w) in enumerate(zip(labels, want)) if a != w)
    wrong = sum(a != w for a, w in zip(labels, want))
    return Feedback(False, f"{wrong} of {len(etas)} not yet right. For eta = {etas[j]:g}, one step multiplies "
                           f"the distance to the minimum by 1 - eta h = {1 - etas[j] * h:+.3f} (h = "
                           f"2 (n_i + lam) = {h:g}): positive and below 1 is monotone, between -1 and 0 "
                           "zigzag, below -1 diverge.")
