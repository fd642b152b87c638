"""Self-checks for notebook 10: BPR (the error signal g, a bias gradient, the share of easy triples)."""
from __future__ import annotations

import numpy as np

from .._validate import check_float, check_vector
from ..bpr import BPRResult, sampled_auc, sigmoid
from ._feedback import Feedback, _close, _quiet, _start

__all__: list[str] = ["easy_pair_signal", "bias_gradient", "easy_share"]   # mfedu.checks.<name>


# ----------------------------------------------------------------------------- exercise 10.1

@_quiet
def easy_pair_signal(answer, x_hat: float) -> Feedback:
    """Exercise 10.1: g = sigma(-x̂_uij) of notebook 10, eq. (4), for a given x̂ (a number).

    Diagnosed: sigma(+x̂) (the probability that the pair is right, not how wrong it is),
    1/2 (the value at a tie only), e^-x̂ (the large-x̂ approximation; once it agrees with g to
    the check's 3 digits, at large x̂, it is simply accepted), -ln sigma(x̂) (the loss, not its
    slope), and a percentage instead of a fraction.
    """
    x_hat = check_float(x_hat, "x_hat")
    a, fb = _start(answer, (), "g", nan_hint="sigma(-x) = 1 / (1 + e^x) is finite for every x.")
    if fb is not None:
        return fb
    a = float(a)
    want = sigmoid(-x_hat)
    if _close(a, want, rtol=2e-3):           # two significant figures of a small g (0.0067) pass
        note = (f" A full step has g = 1, so y_i moves by only about {want:.2g} of one: such a pair "
                "barely teaches anything." if x_hat > 2 else "")
        return Feedback(True, f"g = sigma(-x̂) = 1 / (1 + e^{x_hat:g}) = {want:.4g}.{note}")
    mistakes = [
        (sigmoid(x_hat), f"that is sigma(+x̂) = {sigmoid(x_hat):.4g}, the model's probability that the pair "
                         "is in the right order. g is how WRONG the pair still is: sigma(-x̂) = 1 - sigma(x̂)."),
        (100 * want, "that looks like a percentage: give g as a fraction between 0 and 1."),
        (float(np.logaddexp(0.0, -x_hat)), "that is the loss -ln sigma(x̂), not its slope: g = -d loss / d x̂ = sigma(-x̂)."),
    ]
    if not _close(want, 0.5):
        mistakes.append((0.5, "g = 1/2 only at a tie (x̂ = 0). Put the given x̂ into sigma(-x̂)."))
    if x_hat > 0:
        mistakes.append((float(np.exp(-x_hat)), f"e^-x̂ = {np.exp(-x_hat):.4g} is only the large-x̂ approximation; "
                                               f"g = 1 / (1 + e^x̂) = {want:.4g} exactly (close, but keep the 1 +)."))
    for value, message in mistakes:
        if _close(a, value):
            return Feedback(False, message)
    if not 0 < a < 1:
        return Feedback(False, f"g = sigma(-x̂) lies strictly between 0 and 1, got {a:.4g}.")
    return Feedback(False, f"g should be sigma(-x̂) with x̂ = {x_hat:g}, got {a:.4g}. "
                           "sigma(d) = 1 / (1 + e^-d).")


# ----------------------------------------------------------------------------- exercise 10.2

@_quiet
def bias_gradient(answer, x_u, y_i, y_j, b_i: float, b_j: float, lam: float) -> Feedback:
    """Exercise 10.2: d l_uij / d b_j of eq. (3) for one triple: g + lam b_j, g = sigma(-x̂).

    Diagnosed: the sign of the data part flipped (-g + lam b_j, the form of d/d b_i), the
    whole gradient negated (the ascent direction of BPR-Opt), the penalty left out, the penalty
    with a factor 2 (lam b_j^2 differentiated without its 1/2), sigma(x̂) in place of sigma(-x̂),
    and the item bias left out of x̂.
    """
    x_u, y_i, y_j = (check_vector(v, name) for v, name in ((x_u, "x_u"), (y_i, "y_i"), (y_j, "y_j")))
    if not len(x_u) == len(y_i) == len(y_j):
        raise ValueError(f"x_u, y_i and y_j must have equal lengths, got {len(x_u)}, {len(y_i)}, {len(y_j)}")
    b_i, b_j = check_float(b_i, "b_i"), check_float(b_j, "b_j")
    lam = check_float(lam, "lam", low=0.0)
    a, fb = _start(answer, (), "dl/db_j", nan_hint="g = sigma(-x̂) and every term are finite here.")
    if fb is not None:
        return fb
    a = float(a)
    x_hat = float(x_u @ (y_i - y_j) + b_i - b_j)
    g = sigmoid(-x_hat)
    want = g + lam * b_j
    if _close(a, want, rtol=1e-4):
        return Feedback(True, f"dl/db_j = g + lam b_j = {g:.4f} + {lam:g} x {b_j:g} = {want:.4f}: "
                              "dx̂/db_j = -1 turns -g into +g, so a step DOWN the gradient lowers b_j.")
    mistakes = [
        (-g + lam * b_j, "the data part has the wrong sign: that is the form of dl/db_i. x̂ contains -b_j, "
                         "so dx̂/db_j = -1 and d(-ln sigma(x̂))/db_j = -g x (-1) = +g."),
        (-want, "that is the gradient of BPR-Opt (to maximise), or of the loss with the sign flipped: "
                "the loss (3) is -ln sigma(x̂) + penalty, and its derivative in b_j is +g + lam b_j."),
        (g, "the penalty's derivative is missing: (lam/2) b_j^2 adds lam b_j."),
        (g + 2 * lam * b_j, "the penalty in (3) is (lam/2) b_j^2, whose derivative is lam b_j, not 2 lam b_j."),
        (sigmoid(x_hat) + lam * b_j, "d/dx̂ of -ln sigma(x̂) is -sigma(-x̂) = -(1 - sigma(x̂)), so g = sigma(-x̂), "
                                     "not sigma(x̂)."),
        (sigmoid(-float(x_u @ (y_i - y_j))) + lam * b_j, "x̂ of (2) includes the item biases: "
                                                          "x̂ = x_u . (y_i - y_j) + b_i - b_j."),
    ]
    for value, message in mistakes:
        if _close(a, value, rtol=1e-4):
            return Feedback(False, message)
    return Feedback(False, f"dl/db_j should be g + lam b_j with g = sigma(-x̂) and x̂ = x_u . (y_i - y_j) + b_i - b_j; "
                           f"got {a:.4g}.")


# ----------------------------------------------------------------------------- exercise 10.3

@_quiet
def easy_share(answer, model, triples, threshold: float = 0.01) -> Feedback:
    """Exercise 10.3: the share of ``triples`` (u, i, j) with g = sigma(-x̂_uij) < threshold, x̂ of
    eq. (2) with the model's item biases.

    Diagnosed: the share of the other side (g >= threshold, the hard triples), the threshold
    put on sigma(x̂) (the triples ordered WRONG by a wide margin), the item biases left out of x̂,
    and a percentage instead of a fraction. When two of these give the same share (on notebook 10's
    triples both the sigma(x̂) and the no-bias shares are 0), both messages are returned.
    """
    if not isinstance(model, BPRResult):
        raise TypeError(f"model must be a BPRResult of mfedu.bpr.bpr, got {type(model).__name__}")
    sampled_auc(model, triples)                 # validates the triples (a tuple of id arrays of the model's size)
    u, i, j = (np.asarray(a, dtype=np.int64) for a in triples)
    threshold = check_float(threshold, "threshold", low=0.0, low_open=True, high=1.0)
    a, fb = _start(answer, (), "the share", nan_hint="a mean of True/False values is never NaN.")
    if fb is not None:
        return fb
    a = float(a)
    plain = np.einsum("tk,tk->t", model.X[u], model.Y[i] - model.Y[j])
    bias = 0.0 if model.bi is None else model.bi[i] - model.bi[j]
    g = sigmoid(-(plain + bias))
    want = float(np.mean(g < threshold))
    tol = 0.5 / len(u)                      # one triple either way is a rounding of the mean
    if abs(a - want) <= tol:
        se = np.sqrt(want * (1 - want) / len(u))
        return Feedback(True, f"{want:.2%} of the triples have g < {threshold:g}: each moves the "
                              "parameters by less than that fraction of a full step (the data part). It differs "
                              "from notebook 10's section 4 for two reasons: these are other triples (a share "
                              f"of {len(u):,} draws has a sampling SE of about {se:.2%}), and section 4 measured "
                              "g BEFORE the last epoch's steps, with the parameters of the epoch's start.")
    mistakes = [
        (1 - want, f"that is the share with g >= {threshold:g}, the triples that still teach: the easy "
                   "ones are those with g BELOW the threshold."),
        (float(np.mean(sigmoid(plain + bias) < threshold)), "the threshold goes on g = sigma(-x̂), not on "
                                                            "sigma(x̂): you counted the pairs ordered wrong by a wide margin."),
        (float(np.mean(sigmoid(-plain) < threshold)), "x̂ of (2) includes the item biases b_i - b_j "
                                                      "(model.bi): without them the scores are not the model's."),
        (100 * want, "that looks like a percentage: give the share as a fraction between 0 and 1."),
    ]
    hits = [message for value, message in mistakes if abs(a - value) <= tol * (100 if message.startswith("that looks") else 1)]
    if hits:                                # two slips can give the same share (often 0): name each
        return Feedback(False, hits[0] if len(hits) == 1 else "either of two slips gives this value: " + " Or: ".join(hits))
    if not 0 <= a <= 1:
        return Feedback(False, f"a share lies between 0 and 1, got {a:.4g}.")
    return Feedback(False, f"not yet: compute x̂ = x_u . (y_i - y_j) + b_i - b_j for every triple, "
                           f"g = sigma(-x̂), then the mean of g < {threshold:g}; got {a:.4g}.")
