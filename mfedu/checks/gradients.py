"""Self-checks for notebook 04's conceptual exercises (gradients, step sizes)."""
from __future__ import annotations

import re

import numpy as np

from .._validate import check_float, check_int, check_vector
from ._feedback import NOT_ATTEMPTED, Feedback, _quiet, _start

# bias_step_limit is defined here (notebook 04's exercise 2); this module is star-imported after
# mf.py, so mfedu.checks.bias_step_limit is this version (mf.py's older copy can be deleted).
__all__: list[str] = ["bias_step_limit", "step_regimes"]

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
def bias_step_limit(answer, n_u: int, lam: float, n_i: int | None = None) -> Feedback:
    """Exercise 04.2: GD on one user's bias b_u alone converges for every lr < 2 / h, with
    h = 2 (n_u + lam), i.e. lr < 1 / (n_u + lam).

    Mistakes recognised: h = 2 n_u + lam (the penalty's 2 lost), 1 / h (the one-step rate), lambda
    left out, 2 / n_u, the factor 2 of h lost; fewer than three significant figures. ``n_i``
    (optional) is the busiest item's number of ratings: 1 / (n_i + lam), its bias's limit, is then
    named as such. Any other rate a little below the answer gets a hint at section 5's limits.
    """
    n_u = check_int(n_u, "n_u", low=1, high=MAX_N_RATINGS, high_text="10**9")
    lam = check_float(lam, "lam", low=0.0)
    if n_i is not None:
        n_i = check_int(n_i, "n_i", low=1, high=MAX_N_RATINGS, high_text="10**9")
    a, fb = _start(answer, (), "the learning rate")
    if fb is not None:
        return fb
    h = 2 * (n_u + lam)
    want = 2 / h
    if np.isclose(a, want, rtol=2e-3, atol=0.0):
        return Feedback(True, f"2 / (2 (n_u + lam)) = 1 / (n_u + lam) = {want:.5f}. The limit of section "
                              "5 is lower mainly because the busiest ITEM has more ratings than the "
                              "busiest user; the user-item coupling and X, Y lower it a little more.")
    mistakes = [(1 / (n_u + lam / 2), "the penalty lam b_u^2 has second derivative 2 lam, so "
                                      "h = 2 (n_u + lam)."),
                (1 / h, "that is 1 / h, the step that lands on the minimum in one go; GD still "
                        "converges (zig-zagging) for every lr below 2 / h."),
                (1 / n_u, "that leaves out lambda: the second derivative is 2 (n_u + lam)."),
                (2 / n_u, "the second derivative is 2 (n_u + lam): keep the factor 2 and the lambda."),
                (2 / (n_u + lam), "the second derivative is 2 (n_u + lam), not n_u + lam: you lost its "
                                  "factor 2.")]
    if n_i is not None and n_i != n_u:
        mistakes.append((1 / (n_i + lam), f"that is 2/h of the busiest ITEM's bias (n_i = {n_i}, section 5); "
                                          f"this exercise's user has n_u = {n_u}: h = 2 (n_u + lam)."))
    for value, message in mistakes:
        if np.isclose(a, value, rtol=2e-3):
            return Feedback(False, message)
    if np.isclose(a, want, rtol=0.03):      # 0.005 for 0.00513: rounded, not a different limit
        return Feedback(False, f"close: give at least three significant figures (1 / (n_u + lam) "
                               f"to three figures is not {a:.3g}).")
    if 0.6 * want < a < want:
        return Feedback(False, "that is below the one-bias limit, like section 5's limits for the whole "
                               "problem, which the busiest item and the user-item coupling set; this "
                               "exercise asks for one user's bias on its own, a parabola with "
                               "h = 2 (n_u + lam).")
    return Feedback(False, f"one step multiplies the distance to the minimum by (1 - lr h) with "
                           f"h = 2 (n_u + lam) = {h:g}; it shrinks while |1 - lr h| < 1.")


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
    # a word other than the three is a synonym: say how it was read, so the feedback is not a puzzle
    read = "" if all(w.strip().lower() in REGIMES for w in words) else \
        f"reading your words as {', '.join(labels)}: "
    factors = ", ".join(f"{1 - e * h:+.2f}" for e in etas)
    if labels == want:
        return Feedback(True, f"h = 2 (n_i + lam) = {h:g}, so 1/h = {1 / h:.3g} and 2/h = {2 / h:.3g}; "
                              f"the factors 1 - eta h are {factors}.")
    mistakes = [
        (regimes(h / 2), f"the second derivative of (n_i + lam) b_i^2 is 2 (n_i + lam) = {h:g}: you "
                         "lost the factor 2 that comes from the square."),
        (regimes(2.0 * n), f"the penalty lam b_i^2 adds 2 lam to the curvature: h = 2 (n_i + lam) = {h:g}, "
                           f"not 2 n_i = {2 * n:g}."),
        (regimes(float(n)), f"these regimes fit h = n_i = {n} (if you used h = n_i): h = 2 (n_i + lam) = {h:g}, "
                            "so keep both the factor 2 and lam."),
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
            off = [k for k, (a, w) in enumerate(zip(labels, want)) if a != w]
            if len(off) == 1:     # one slip also fits this mistake: name the slip as well
                e = etas[off[0]]
                message += (f" (Or, if your h was right: for eta = {e:g} the factor 1 - eta h = "
                            f"{1 - e * h:+.3f}, so \"{want[off[0]]}\"; 1/h = {1 / h:.3g}, 2/h = {2 / h:.3g}.)")
            return Feedback(False, read + message)
    j = next(k for k, (a, w) in enumerate(zip(labels, want)) if a != w)
    wrong = sum(a != w for a, w in zip(labels, want))
    return Feedback(False, f"{read}{wrong} of {len(etas)} not yet right. For eta = {etas[j]:g}, one step multiplies "
                           f"the distance to the minimum by 1 - eta h = {1 - etas[j] * h:+.3f} (h = "
                           f"2 (n_i + lam) = {h:g}): positive and below 1 is monotone, between -1 and 0 "
                           "zigzag, below -1 diverge.")
