"""mfedu: reference implementations for the matrix-factorisation teaching notebooks.

One module per idea, each meant to be read beside its notebook (notation: NOTATION.md):

    data       Ratings container, toy table, synthetic and MovieLens-100K sets, splits
    synthetic  the planted MovieLens-shaped generator and its truth (oracle error)
    linalg     eig_sym (power iteration), svd_via_eig, truncated_svd, low_rank
    svdrec     imputation + truncated-SVD recommender
    metrics    rmse, mae
    result     FitResult: the one result type every trainer returns
    plots      the collection's figure style;  widgets: the explorer panel
    checks     self-checks for the exercises
"""
__version__ = "0.1.0"
