"""Self-checks for notebook 01's conceptual exercises (EVD, power iteration, SVD)."""
from __future__ import annotations

import numpy as np

from .._validate import check_float, check_vector
from ._feedback import Feedback, _quiet, _start

__all__: list[str] = ["power_steps"]


def _measured_steps(lam: np.ndarray, shrink: float, limit: int = 20_000) -> int | None:
    """Power iteration (notebook 01, eq. (2)) on diag(lam) from a seeded random start: the first
    step t at which tan(angle(v_t, p_1)) <= shrink * tan(angle(v_0, p_1)); None beyond ``limit``.
    On a diagonal matrix the eigenvectors are the coordinate axes, so the angle is read off v."""
    top = int(np.argmax(np.abs(lam)))
    others = np.arange(len(lam)) != top
    v = np.random.default_rng(0).normal(size=len(lam))
    tan0 = np.linalg.norm(v[others]) / abs(v[top])
    for t in range(1, limit + 1):
        v = lam * v
        v /= np.linalg.norm(v)
        if np.linalg.norm(v[others]) / abs(v[top]) <= shrink * tan0:
            return t
    return None


@_quiet
def power_steps(answer, eigenvalues, shrink: float) -> Feedback:
    """Exercise 01.4 (predict before running): the number of power-iteration steps t after which
    the bound of notebook 01, section 2, tan(angle(v_t, p_1)) <= |lambda_2 / lambda_1|^t
    tan(angle(v_0, p_1)), has shrunk the angle's tangent by the factor ``shrink``:

        t = ln(shrink) / ln|lambda_2 / lambda_1|,  eigenvalues ordered by MAGNITUDE.

    Any t within one step of that is accepted (61.9 or 62 alike). Mistakes recognised: lambda_2
    taken as the second largest by value (not magnitude), the squared rate of the Rayleigh
    quotient, the inverted ratio |lambda_1 / lambda_2|, mixed logarithm bases, the rate per step
    given instead of a number of steps, and an off-by-one of the eigenvalues (smallest instead
    of second largest).

    Parameters: ``eigenvalues`` (the symmetric matrix's eigenvalues, any order, at least two,
    one strictly largest in magnitude and the second largest nonzero); ``shrink`` in (0, 1).
    """
    lam = check_vector(eigenvalues, "eigenvalues")
    if len(lam) < 2:
        raise ValueError(f"eigenvalues must hold at least two values, got {len(lam)}")
    mags = np.sort(np.abs(lam))[::-1]
    if not mags[0] > mags[1]:
        raise ValueError("eigenvalues must have one of strictly largest magnitude (else power "
                         f"iteration does not converge), got |lambda_1| = |lambda_2| = {mags[0]:g}")
    if mags[1] == 0:
        raise ValueError("eigenvalues must have a nonzero second-largest magnitude (else one step "
                         "suffices and there is nothing to predict)")
    shrink = check_float(shrink, "shrink", low=0.0, low_open=True, high=1.0)
    if shrink == 1.0:
        raise ValueError("shrink must be < 1 (the factor by which the error falls), got 1.0")

    a, fb = _start(answer, (), "your number of steps", nan_hint=(
        "the logarithm of a negative ratio? lambda_2 / lambda_1 may be negative: the rate per "
        "step is its absolute value |lambda_2 / lambda_1|."))
    if fb is not None:
        return fb
    a = float(a)
    lam1 = lam[np.argmax(np.abs(lam))]
    rate = mags[1] / mags[0]
    want = np.log(shrink) / np.log(rate)
    near = lambda t: np.isfinite(t) and abs(a - t) <= 1.0 + 1e-9 * abs(t)

    if near(want):
        measured = _measured_steps(lam, shrink)
        seen = ("" if measured is None else
                f" A run from a random start needed {measured}; never more than the bound rounded "
                "up, since the directions that die faster than p_2 only help.")
        return Feedback(True, f"t = ln({shrink:g}) / ln({rate:.4g}) = {want:.1f} steps, with "
                              f"|lambda_2 / lambda_1| = {rate:.4g}.{seen}")
    by_value = np.sort(lam)[::-1]                   # the usual slip: the second largest VALUE
    if by_value[0] == lam1 and abs(by_value[1]) != mags[1] and by_value[1] != 0 \
            and near(np.log(shrink) / np.log(abs(by_value[1] / lam1))):
        return Feedback(False, f"you took lambda_2 = {by_value[1]:g}, the second largest by value. "
                               "Power iteration ranks eigenvalues by MAGNITUDE: the direction that "
                               f"dies slowest has |lambda| = {mags[1]:g}.")
    smallest = mags[-1]
    if len(lam) > 2 and smallest != mags[1] and smallest > 0 \
            and near(np.log(shrink) / np.log(smallest / mags[0])):
        return Feedback(False, f"you used the SMALLEST magnitude, {smallest:g}; that direction dies "
                               f"fastest. The rate is set by the second largest, |lambda_2| = {mags[1]:g}.")
    if near(want / 2):
        return Feedback(False, "that is the rate of the eigenvalue estimate rho (its error falls like "
                               "|lambda_2 / lambda_1|^(2t), twice as fast in the exponent); the "
                               "question is about the vector's angle, which falls like |lambda_2 / lambda_1|^t.")
    if near(-want):
        return Feedback(False, "a negative number of steps: you used |lambda_1 / lambda_2| > 1. The "
                               "factor per step is |lambda_2 / lambda_1| < 1, so its logarithm is negative too.")
    if near(np.log10(shrink) / np.log(rate)) or near(np.log(shrink) / np.log10(rate)):
        return Feedback(False, "mixed logarithm bases: take the same log (ln or log10) of the target "
                               "and of the rate; their ratio is then the same in any base.")
    if np.isclose(a, rate) or np.isclose(a, rate ** 2):
        return Feedback(False, f"{a:g} is the factor per step; the question asks how MANY steps it "
                               f"takes for those factors to multiply to {shrink:g}.")
    return Feedback(False, f"solve |lambda_2 / lambda_1|^t = {shrink:g} for t: t = ln({shrink:g}) / "
                           "ln|lambda_2 / lambda_1|, with lambda_1 and lambda_2 the two eigenvalues "
                           "of largest magnitude.")
