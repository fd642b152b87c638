"""Self-checks for notebook 11: evaluating honestly (the cost of a grid, IPS's expectation, the paired SE)."""
from __future__ import annotations

import itertools

import numpy as np

from .._validate import check_int, check_vector
from ._feedback import Feedback, _close, _quiet, _start

__all__: list[str] = ["grid_trials", "ips_expectation", "paired_se"]   # mfedu.checks.<name>


# ----------------------------------------------------------------------------- exercise 11.1

@_quiet
def grid_trials(answer, d: int, n_values: int) -> Feedback:
    """Exercise 11.1: a grid over ``d`` parameters with ``n_values`` values of each runs N^d trials.

    Diagnosed: d N (the values added, not combined), d^N (base and exponent swapped), N (one
    parameter's values only, or random search's count of distinct values), N^(1/d) (the values per
    parameter that a budget of N trials buys, the question turned round), and N^(d-1) (one
    parameter held fixed).
    """
    d = check_int(d, "d", low=1, high=20)
    n_values = check_int(n_values, "n_values", low=2, high=1000)
    a, fb = _start(answer, (), "the number of trials", nan_hint="a count of trials is a whole number.")
    if fb is not None:
        return fb
    a = float(a)
    want = n_values ** d
    if _close(a, want, rtol=1e-9):
        return Feedback(True, f"{n_values}^{d} = {want:,} trials: every combination of {n_values} values of each of "
                              f"{d} parameters. A random search with {want:,} trials tries up to {want:,} distinct "
                              f"values of EACH parameter, against the grid's {n_values}: if one parameter matters "
                              "most, random search samples it far more finely (Bergstra and Bengio 2012).")
    mistakes = [
        (d * n_values, f"{d} x {n_values} counts each parameter's values once, as if the parameters were tried one at "
                       f"a time; a grid tries every COMBINATION: {n_values} x {n_values} x ... ({d} factors)."),
        (d ** n_values, f"that is d^N = {d}^{n_values}: base and exponent are swapped. Each of the d parameters "
                        f"multiplies the count by N."),
        (n_values, f"{n_values} is the number of values of ONE parameter; the grid combines them across all {d}."),
        (n_values ** (1 / d), "that is N^(1/d), the values per parameter a budget of N grid trials buys: the "
                              "question turned round. Here N values of each are given: how many combinations?"),
        (n_values ** (d - 1), f"that is N^(d-1): one parameter held fixed. All {d} vary."),
    ]
    for value, message in mistakes:
        if _close(a, value, rtol=1e-6):
            return Feedback(False, message)
    return Feedback(False, f"a grid runs one trial per combination of values: with {d} parameters of "
                           f"{n_values} values each, multiply; got {a:g}.")


# ----------------------------------------------------------------------------- exercise 11.2

def _naive_expectation(e: np.ndarray, P: np.ndarray) -> float:
    """E[mean of the observed e_c], over the patterns with at least one cell observed."""
    seen = [(o, p) for o, p in _patterns(P) if o.any()]
    return sum(p * float(e[o].mean()) for o, p in seen) / sum(p for _, p in seen)


def _patterns(P: np.ndarray):
    """Every observation pattern (a 0/1 vector) with its probability, cells independent."""
    for seen in itertools.product((0, 1), repeat=len(P)):
        o = np.array(seen, dtype=bool)
        yield o, float(np.prod(np.where(o, P, 1 - P)))


@_quiet
def ips_expectation(answer, errors, propensity) -> Feedback:
    """Exercise 11.2: E[(1/n) sum_{observed c} e_c / P_c] over the 2^n patterns of independently
    observed cells, which equals the mean of ``errors`` (IPS is unbiased).

    Diagnosed: (1/n) sum P_c e_c (the weights 1/P left out), sum P e / sum P (where the naive mean
    of the observed errors tends over many cells like these), the expected naive mean itself (over the patterns with at
    least one cell observed), sum e (the 1/n left out), and the plain average of the 8 patterns'
    estimates (their probabilities left out).
    """
    e = check_vector(errors, "errors")
    P = check_vector(propensity, "propensity", length=len(e), length_name=f"len(errors) = {len(e)}")
    if not 1 <= len(e) <= 12:
        raise ValueError(f"errors must hold 1 to 12 cells (2^n patterns are enumerated), got {len(e)}")
    if np.any(P <= 0) or np.any(P > 1):
        raise ValueError(f"propensity must hold probabilities in (0, 1], got {P.tolist()}")
    a, fb = _start(answer, (), "E[IPS]", nan_hint="every pattern's estimate is finite; the empty pattern gives 0.")
    if fb is not None:
        return fb
    a = float(a)
    n = len(e)
    want = float(e.mean())
    if _close(a, want, rtol=1e-4):
        naive = float(np.sum(P * e) / np.sum(P))
        naive_exact = _naive_expectation(e, P)
        return Feedback(True, f"E[IPS] = {want:.4g}, exactly the mean of the errors: each cell contributes "
                              f"P_c x e_c / P_c = e_c whether it is likely to be seen or not. Over many cells like "
                              f"these, the naive mean of the observed errors tends to sum P e / sum P = {naive:.4g} "
                              f"(for these {n} cells its exact expectation is {naive_exact:.4g}): it over-weighs the "
                              "cells that are usually observed.")
    patterns = list(_patterns(P))
    ips_of = [float(np.sum(e[o] / P[o]) / n) for o, _ in patterns]
    naive_exact = _naive_expectation(e, P)
    mistakes = [
        (float(np.sum(P * e) / n), "the weights 1/P_c are missing: (1/n) sum P_c e_c is what the plain sum of the "
                                   "observed errors, divided by n, expects. IPS divides each observed error by its P_c."),
        (float(np.sum(P * e) / np.sum(P)), "that is sum P e / sum P, where the naive mean of the observed errors "
                                           "tends over many cells like these, not the IPS estimate's expectation."),
        (naive_exact, "that is the expected NAIVE mean of the observed errors (patterns with at least one cell); "
                      "the exercise asks for the IPS estimate (1/3) sum_observed e_c / P_c."),
        (float(e.sum()), f"the factor 1/n = 1/{n} is missing: IPS estimates the MEAN over the n cells."),
        (float(np.mean(ips_of)), "the 8 patterns are not equally likely: weight each pattern's estimate by its "
                                 "probability prod_c (P_c if observed, 1 - P_c if not)."),
    ]
    for value, message in mistakes:
        if _close(a, value, rtol=1e-4):
            return Feedback(False, message)
    return Feedback(False, f"E[IPS] = sum over the 8 patterns of P(pattern) x (1/{n}) sum_observed e_c / P_c; "
                           f"got {a:.4g}. Check one pattern by hand: all three observed has probability "
                           f"{np.prod(P):.4g}.")


# ----------------------------------------------------------------------------- exercise 11.3

@_quiet
def paired_se(answer, a, b) -> Feedback:
    """Exercise 11.3: sd(a - b) / sqrt(N) with N - 1 in the sd, for two models' scores ``a`` and
    ``b`` on the same N splits.

    Diagnosed: the unpaired SE sqrt(var a / N + var b / N), the sd with N in the denominator
    (ddof = 0), the sd of the differences without / sqrt(N) (the spread of one split, not the
    error of the mean), the difference of the two SEs, and the SE of the difference of means
    computed as if the splits were independent with ddof = 0.
    """
    a = check_vector(a, "a")
    b = check_vector(b, "b", length=len(a), length_name=f"len(a) = {len(a)}")
    if len(a) < 2:
        raise ValueError(f"a and b must hold at least 2 splits each (a spread needs two), got {len(a)}")
    ans, fb = _start(answer, (), "the SE", nan_hint="np.std(..., ddof=1) of at least two numbers is finite.")
    if fb is not None:
        return fb
    ans = float(ans)
    N = len(a)
    d = a - b
    want = float(np.std(d, ddof=1) / np.sqrt(N))
    if _close(ans, want, rtol=2e-3):
        z = float(d.mean() / want) if want > 0 else float("inf")
        unpaired = float(np.sqrt(np.var(a, ddof=1) / N + np.var(b, ddof=1) / N))
        return Feedback(True, f"SE = sd(a - b) / sqrt({N}) = {want:.3g}; the mean difference {d.mean():+.4g} is "
                              f"{z:+.1f} SE. Unpaired, the SE would be {unpaired:.3g}: the splits' luck, shared by "
                              "both models, cancels in a - b.")
    mistakes = [
        (float(np.sqrt(np.var(a, ddof=1) / N + np.var(b, ddof=1) / N)),
         "that is the UNPAIRED SE, sqrt(var a / N + var b / N): it treats the two models' splits as independent. "
         "Both met the same splits: take the differences a - b first, then their SE."),
        (float(np.std(d, ddof=0) / np.sqrt(N)), "the sd needs N - 1 in its denominator (ddof=1): one degree of "
                                                "freedom went into the mean."),
        (float(np.std(d, ddof=1)), f"that is the sd of the differences, the spread of ONE split; the SE of their mean "
                                   f"divides it by sqrt(N) = sqrt({N})."),
        (float(abs(np.std(a, ddof=1) - np.std(b, ddof=1)) / np.sqrt(N)),
         "the difference of the two SEs is not the SE of the difference: compute d = a - b split by split, then "
         "sd(d) / sqrt(N)."),
        (float(np.sqrt(np.var(a) / N + np.var(b) / N)), "that is the unpaired SE (with ddof=0 as well): pair the "
                                                        "splits, d = a - b, then sd(d, ddof=1) / sqrt(N)."),
    ]
    for value, message in mistakes:
        if _close(ans, value, rtol=2e-3):
            return Feedback(False, message)
    if ans < 0:
        return Feedback(False, f"a standard error is never negative, got {ans:.4g}.")
    return Feedback(False, f"the SE of the mean paired difference is sd(a - b, ddof=1) / sqrt(N); got {ans:.4g}.")
