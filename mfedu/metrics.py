"""Error metrics for rating prediction (ranking metrics arrive with implicit ALS, notebook 07).

    RMSE = sqrt( (1/|T|) sum_{(u,i) in T} (r_ui - r̂_ui)^2 )
    MAE  =       (1/|T|) sum_{(u,i) in T} |r_ui - r̂_ui|

over a set T of held-out ratings. RMSE weighs large errors more; both are in stars.
"""
from __future__ import annotations

import numpy as np

from ._validate import check_vector


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true = check_vector(y_true, "y_true")
    y_pred = check_vector(y_pred, "y_pred", length=len(y_true), length_name=f"len(y_true) = {len(y_true)}")
    if len(y_true) == 0:
        raise ValueError("y_true must contain at least one rating")
    return y_true, y_pred


def rmse(y_true, y_pred) -> float:
    """Root mean squared error between true and predicted ratings (same length, finite)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def mae(y_true, y_pred) -> float:
    """Mean absolute error between true and predicted ratings (same length, finite)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))
