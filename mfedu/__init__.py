"""mfedu: reference implementations for the matrix-factorisation teaching notebooks.

One module per idea, each meant to be read beside its notebook (notation: notebook 00's table):

    data       Ratings container, toy table, synthetic and MovieLens-100K sets, splits
    synthetic  the planted MovieLens-shaped generator and its truth (oracle error)
    linalg     eig_sym (power iteration), svd_via_eig, truncated_svd, low_rank
    svdrec     imputation + truncated-SVD recommender
    loss       predict, mf_loss (plain or weighted lambda), gradients, rating_gradients, gradient_check
    sgd        gradient descent, SGD (vectorised over conflict-free batches), Adam
    als        explicit ALS (ALS-WR, biases), fold_in, implicit ALS (exact, CG, plain or
               weighted lambda; in als_implicit)
    metrics    rmse, mae, precision/recall/MAP/NDCG@k, AUC, expected percentile rank, popularity
    spark      a quiet local Apache Spark session, ratings to a DataFrame, Spark's factors back
    result     FitResult: the one result type every trainer returns
    plots      the collection's figure style;  widgets: the explorer panel
    checks     self-checks for the exercises (one module per part of the collection)
"""
__version__ = "0.1.0"
