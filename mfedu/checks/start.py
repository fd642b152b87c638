"""Self-checks for notebook 00's conceptual exercises (the data and the oracle) and for the
appendix A1 (notation and conventions)."""
from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from .._validate import check_bool, check_float, check_int, check_vector
from ._feedback import NOT_ATTEMPTED, Feedback, _as_numbers, _quiet, _start

__all__: list[str] = ["expected_stars", "oracle_bound", "weight_decay_lambda"]

MAX_RATINGS = 10**12      # a bound for |Omega| (the arithmetic stays exact in float64)


# ----------------------------------------------------------------------------- notebook 00

@_quiet
def expected_stars(answer, score: float, thresholds, sigma: float) -> Feedback:
    """Exercise 00.2 (predict, then compute): the oracle's prediction for one pair, notebook 00,
    eq. (3):

        E[r] = 1 + sum_j Phi((s* - t_j) / sigma),

    the mean number of stars when z = s* + eps, eps ~ N(0, sigma^2), is cut at t_1 < ... < t_J.
    Answers within 0.005 of it (two decimals) are accepted. Mistakes recognised: the 1 left out,
    Phi((t_j - s*) / sigma) (the chance of staying below t_j), no division by sigma, division by
    sigma^2, the star that s* itself falls into (no noise), the most likely star (the mode),
    the mean rounded to a whole star, s* itself, and the vector of probabilities instead of
    their sum.

    Parameters: ``score`` s* (any real), ``thresholds`` the cut points (strictly increasing,
    at least one), ``sigma`` > 0.
    """
    s = check_float(score, "score")
    t = check_vector(thresholds, "thresholds")
    if len(t) == 0:
        raise ValueError("thresholds must hold at least one cut point, got an empty array")
    if np.any(np.diff(t) <= 0):
        raise ValueError(f"thresholds must be strictly increasing, got {np.round(t, 4).tolist()}")
    sigma = np.float64(check_float(sigma, "sigma", low=0.0, low_open=True))   # sigma ** 2 may overflow to inf

    a, fb = _as_numbers(answer, "the expected number of stars")
    if fb is not None:
        return fb
    passing = ndtr((s - t) / sigma)                       # Pr(z > t_j), one per cut point
    star_probs = -np.diff(np.r_[1.0, passing, 0.0])       # Pr(r = 1), ..., Pr(r = J + 1)
    if a.shape == passing.shape and len(t) > 1 and np.allclose(a, passing, atol=5e-3):
        return Feedback(False, "these are the chances Pr(z > t_j) of passing each cut point; the mean "
                               "number of stars is 1 plus their sum.")
    if a.shape == star_probs.shape and np.allclose(a, star_probs, atol=5e-3):
        return Feedback(False, "these are the chances of each star; the mean is 1 p_1 + 2 p_2 + ..., "
                               "or more simply 1 + the sum of the chances of passing each cut point.")
    if a.shape != ():
        return Feedback(False, f"give one number (the expected stars), got an array of shape {a.shape}.")
    if not np.isfinite(a):
        return Feedback(False, "your answer is NaN or inf; check the division by sigma and the sum.")
    a = float(a)
    want = 1.0 + passing.sum()
    if abs(a - want) <= 5e-3:
        noiseless = 1 + int(np.sum(t < s))
        mode = 1 + int(np.argmax(star_probs))
        return Feedback(True, f"E[r] = {want:.3f} stars. Not the star s* falls into ({noiseless}) nor the "
                              f"most likely star ({mode}): under squared error the best guess is the mean, "
                              "and a mean need not be a whole star.")
    J = len(t)
    close = lambda value: abs(a - value) <= 5e-3
    if close(want - 1):
        return Feedback(False, "you left out the 1: a rating is 1 star plus one star for every cut point "
                               "z passes (eq. (2)), so E[r] = 1 + sum of the chances.")
    if close(1 + ndtr((t - s) / sigma).sum()):
        return Feedback(False, "Phi((t_j - s*) / sigma) is the chance that z stays BELOW t_j; z passes t_j "
                               "with chance Phi((s* - t_j) / sigma).")
    if close(1 + ndtr(s - t).sum()):
        return Feedback(False, f"divide by sigma = {sigma:g}: Phi is the CDF of a STANDARD normal, and "
                               "(z - s*) / sigma is the noise in units of its standard deviation.")
    if close(1 + ndtr((s - t) / sigma ** 2).sum()):
        return Feedback(False, f"divide by sigma = {sigma:g}, the standard deviation, not by the "
                               "variance sigma^2.")
    noiseless = 1 + int(np.sum(t < s))
    mode = 1 + int(np.argmax(star_probs))
    whole = float(round(a)) == a
    if whole and a == noiseless and a == mode:
        return Feedback(False, f"{noiseless} stars is where s* falls, and the most likely star; but the "
                               "noise pushes z into the other stars too, and the best guess under "
                               "squared error is the mean over all of them.")
    if whole and a == noiseless:
        return Feedback(False, f"{noiseless} stars is where s* itself falls, as if there were no noise. "
                               f"The noise (sigma = {sigma:g}) pushes z across the cut points; the oracle "
                               "averages over it: 1 + sum_j Phi((s* - t_j) / sigma).")
    if whole and a == mode:
        return Feedback(False, f"{mode} stars is the most likely star (the mode). Under squared error the "
                               "best guess is the mean (E(r - c)^2 is smallest at c = E[r]), which need "
                               "not be a whole star.")
    if whole and a == round(want):
        return Feedback(False, "you rounded to a whole star; the oracle keeps the fraction, because the "
                               "mean beats every whole number under squared error.")
    if np.isclose(a, s, rtol=0, atol=1e-9):
        return Feedback(False, "s* is the opinion scale, not stars: cut z = s* + eps at the t_j (eq. (2)) "
                               "and average, which is eq. (3).")
    if not 1 <= a <= J + 1:
        return Feedback(False, f"a rating lies between 1 and {J + 1} stars, so its mean does too; use "
                               "1 + ndtr((s - thresholds) / sigma).sum().")
    return Feedback(False, "eq. (3): 1 + ndtr((s - thresholds) / sigma).sum() with s the score, "
                           "thresholds = truth.thresholds and sigma = truth.sigma.")


ORACLE_BOUND_CHOICES = {
    "a": (False, "the truth behind these ratings is all there is: the oracle knows s*, sigma and the cut "
                 "points, and the rest is noise eps that is independent of everything a method sees. "
                 "A method cannot find 'more signal' than the truth contains."),
    "b": (False, "overfitting means fitting the noise of the TRAINING ratings. It shows as a training "
                 "error below the oracle and it RAISES the test error; it cannot put a test error below "
                 "the oracle."),
    "c": (False, "rounding cannot help: under squared error the mean E[r] beats every whole number "
                 "(E(r - c)^2 = Var r + (E r - c)^2), so a rounded oracle scores worse (exercise 2)."),
    "d": (False, "the luck of the split moves the oracle's RMSE (standard deviation 0.0037 over 20 test "
                 "sets), but here both numbers come from the SAME test set, so much of that luck is shared. "
                 "A model's RMSE minus the oracle's on the same test set has standard deviation 0.0025 "
                 "(notebook 00 measured it for the user-mean model and again for a better one, user mean "
                 "plus a film correction: the shared test noise cancels, whatever the model), and a model that never saw the test ratings cannot beat "
                 "the oracle on average: 0.012 below it is about 5 standard deviations, not luck."),
    "e": (True, "a method can beat the oracle of its test set only by having seen that set's noise: "
                "the test ratings were in the training data, or the RMSE was computed on the training "
                "ratings. Check the split before anything else."),
}


@_quiet
def oracle_bound(answer) -> Feedback:
    """Exercise 00.3 (what the oracle bounds): a model reports test RMSE 0.874 where the same test
    set's oracle RMSE is 0.886. The answer is one letter; the right one is "e" (a leak: the
    model has seen the test ratings). Each wrong letter gets the reason it is wrong: a) signal
    beyond the truth, b) overfitting, c) rounding to whole stars, d) the luck of the split.
    Accepts "e", "E", "(e)", "e)" and surrounding spaces."""
    if answer is None:
        return NOT_ATTEMPTED
    if not isinstance(answer, str):
        return Feedback(False, f"answer with one letter as a str, e.g. \"a\"; got {type(answer).__name__}.")
    letter = answer.strip().strip("().").strip().lower()
    if letter not in ORACLE_BOUND_CHOICES:
        if len(letter) > 1 and set(letter) <= set(ORACLE_BOUND_CHOICES) | set(", "):
            return Feedback(False, "pick the ONE most likely explanation (one letter).")
        return Feedback(False, f"answer with one of the letters a, b, c, d, e; got {answer!r}.")
    ok, message = ORACLE_BOUND_CHOICES[letter]
    return Feedback(ok, message)


# ----------------------------------------------------------------------------- appendix A1

@_quiet
def weight_decay_lambda(answer, weight_decay: float, n_ratings: int, half: bool = False, *,
                        batch_size: int | None = None, n_u: int | None = None) -> Feedback:
    """Exercise A1.1, parts (a) and (b): the plain-sum lambda (A1, eq. (1)) equivalent to
    ``weight_decay`` w_d applied to every factor at every step, next to the MEAN squared error
    over |Omega| = ``n_ratings`` ratings (part (a)) or, with ``half=True``, next to half the mean,
    as D2L's L2Loss (part (b)):

        mean:       lambda = |Omega| w_d / 2        half mean:  lambda = |Omega| w_d

    (w_d x is the gradient of (w_d / 2) ||x||^2; multiply the whole loss by |Omega|, or 2 |Omega|,
    to turn the mean into a sum.) Mistakes recognised: the other case's answer, w_d alone or
    halved (|Omega| forgotten), division by |Omega|, and a factor 2 the wrong way.

    Part (c), with ``batch_size`` |D| and ``n_u`` (give both or neither): the decay is applied
    lazily, only to the rows in each mini-batch, and the answer is the plain lambda that shrinks
    the factors of one user with ``n_u`` ratings as strongly (see ``_lazy_feedback``).
    """
    wd = check_float(weight_decay, "weight_decay", low=0.0, low_open=True)
    n = check_int(n_ratings, "n_ratings", low=1, high=MAX_RATINGS, high_text="10**12")
    half = check_bool(half, "half")
    if (batch_size is None) != (n_u is None):
        raise ValueError(f"batch_size and n_u must be given together (part (c)) or not at all, got "
                         f"batch_size={batch_size!r}, n_u={n_u!r}")
    if batch_size is not None:
        size = check_int(batch_size, "batch_size", low=1, high=n, high_text="n_ratings")
        count = check_int(n_u, "n_u", low=1, high=n, high_text="n_ratings")
    a, fb = _start(answer, (), "lambda")
    if fb is not None:
        return fb
    a = float(a)
    if batch_size is not None:
        return _lazy_feedback(a, wd, n, size, count, half)
    want = n * wd if half else n * wd / 2
    close = lambda value: np.isclose(a, value, rtol=1e-6, atol=0.0)
    if close(want):
        return Feedback(True, f"lambda = {want:g}: multiply the loss by {'2 ' if half else ''}|Omega| "
                              "to turn the mean into a sum; w_d x is the gradient of (w_d / 2) ||x||^2.")
    if not half and close(n * wd):
        return Feedback(False, "weight decay adds w_d x to the gradient, and w_d x is the gradient of "
                               "(w_d / 2) ||x||^2, not of w_d ||x||^2: halve.")
    if half and close(n * wd / 2):
        return Feedback(False, "with HALF a mean, multiply the whole loss by 2 |Omega| (not |Omega|) to "
                               "reach sum e^2: the penalty (w_d / 2) ||x||^2 doubles too.")
    if close(wd) or close(wd / 2) or close(2 * wd):
        return Feedback(False, "|Omega| is missing: a mean divides the squared errors by |Omega|, so "
                               "next to a SUM the same penalty must be |Omega| times larger.")
    if close(wd / n) or close(wd / (2 * n)) or close(2 * wd / n):
        return Feedback(False, "you divided by |Omega|; the sum is |Omega| times the mean, so lambda "
                               "is |Omega| times w_d (up to the factor 2), not w_d / |Omega|.")
    if close(2 * want):
        return Feedback(False, "a factor 2 too many: w_d x is the gradient of (w_d / 2) ||x||^2.")
    loss = "(1/2) mean e^2" if half else "mean e^2"
    return Feedback(False, f"write the loss as {loss} + (w_d / 2) ||x||^2, multiply it by the "
                           "constant that turns its data term into sum e^2, and read off the factor "
                           "in front of ||x||^2.")


def _lazy_feedback(a: float, wd: float, n: int, size: int, count: int, half: bool) -> Feedback:
    """Exercise A1.1, part (c): a coupled ``weight_decay`` w_d applied lazily (only to the rows in
    each mini-batch of |D| = ``batch_size`` ratings), next to the MEAN squared error (or, with
    ``half=True``, half of it), over |Omega| = ``n_ratings`` ratings. The answer is the PLAIN
    lambda (A1, eq. (1)) that shrinks the factors of one user with ``n_u`` ratings as strongly:

        one decay |D| w_d / 2 per rating  ->  weighted lambda = |D| w_d / 2  ->  plain lambda n_u

    (|D| w_d and |D| w_d n_u with ``half=True``). It holds while a row rarely appears twice in a
    batch (n_u << |Omega| / |D|), so answers within 6 % are accepted (counting the batches that
    hold the row two or more times lowers it a little), and each mistake is matched within the same
    6 %, so a rounded slip still gets its own message. Mistakes recognised: the weighted lambda
    itself (n_u forgotten), the other case's factor 2, both slips at once, the dense answer of
    parts (a) and (b) (decay at every step), and |D| forgotten. Called by ``weight_decay_lambda``
    with the reader's answer as a float and the validated problem arguments.
    """
    factor = 1.0 if half else 0.5                   # half a mean: |D| w_d; a mean: |D| w_d / 2
    weighted = factor * size * wd
    want = weighted * count
    # the right answer and each mistake within the same 6 %: a rounded slip keeps its message
    near = lambda value: np.isclose(a, value, rtol=0.06, atol=0.0)
    if near(want):
        return Feedback(True, f"plain lambda = {want:.4g}: each rating of the user brings one decay "
                              f"|D| w_d{'' if half else ' / 2'} (the batch mean times |D|), so the lazy "
                              f"decay is the WEIGHTED convention with lambda = {weighted:.4g}, and for "
                              f"one user weighted lambda acts like lambda n_u = {want:.4g} plain. Far "
                              f"less than the dense decay ({n * wd * factor:g}): x_u is decayed about "
                              f"{count} times an epoch, not at each of the {n / size:.0f} steps.")
    if near(weighted):
        return Feedback(False, f"{weighted:.4g} is the WEIGHTED lambda (one decay per rating). The "
                               "question asks for the plain lambda that shrinks THIS user as strongly: "
                               "for one user, weighted lambda acts like lambda n_u plain.")
    other = want * (0.5 if half else 2.0)
    if near(other):
        return Feedback(False, "a factor 2: " + (
            "next to HALF a mean the data term is already (1/2) e^2: multiply the batch's step by |D| "
            "only, so each decay is |D| w_d, not half of it."
            if half else "next to a MEAN, multiply the batch's step by |D| / 2 to reach sum (1/2) e^2, so "
                         "each decay is |D| w_d / 2: halve, as in part (a)."))
    if near(weighted * (0.5 if half else 2.0)):
        return Feedback(False, "two slips: that is the weighted lambda (multiply by n_u for the plain "
                               "one), and it has a factor 2 the wrong way (part " + ("(b)" if half else "(a)") + ").")
    if near(n * wd * factor) or near(n * wd * factor * (0.5 if half else 2.0)):
        return Feedback(False, "that is the DENSE answer of parts (a) and (b), a decay at every step. "
                               "Lazy updates decay x_u only in the batches that hold one of u's ratings: "
                               f"about n_u = {count} times an epoch, not {n / size:.0f}.")
    if any(near(wd * count * f) for f in (0.5, 1.0, 2.0)):
        return Feedback(False, "|D| is missing: the batch's MEAN divides each squared error by |D|; "
                               "multiply the step by |D| (a constant the learning rate absorbs) before "
                               "reading off the decay per rating.")
    return Feedback(False, "follow the lazy bullet: multiply one batch's step by the constant that makes its "
                           "data term sum (1/2) e^2 (|D|, or |D| / 2 next to a mean) to read off the decay "
                           "per batch that holds the row; count how many "
                           "such batches an epoch has for this user (about n_u); that gives the weighted "
                           "lambda, and for one user weighted lambda acts like lambda n_u plain.")
