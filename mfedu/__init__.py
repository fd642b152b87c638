"""mfedu: reference implementations for the matrix-factorisation teaching notebooks.

One module per idea, each meant to be read beside its notebook (notation: appendix A1's table):

    data          Ratings container, toy table, the committed synthetic sets, MovieLens-100K, splits
    synthetic     make_synthetic: the planted MovieLens-shaped generator and its truth (oracle)
    linalg        eig_sym (power iteration), svd_via_eig, truncated_svd, low_rank
    svdrec        imputation + truncated-SVD recommender
    loss          predict (the one prediction formula), mf_loss, gradients, gradient_check
    result        FitResult: the one result type every trainer returns
    metrics       rmse, history rows, precision/recall/MAP/NDCG@k, AUC, percentile rank, popularity
    sgd           sgd_update (readable), gradient descent, SGD (vectorised epochs), Adam
    als           user_step / half_step (readable), explicit ALS (ALS-WR, biases), fold_in
    als_implicit  confidence, user_step / cg_user_step / half_step (readable), implicit ALS
    advanced      SVD++ (implicit sums, the z-step) and timeSVD++ (time effects) (notebook 09)
    bpr           Bayesian Personalized Ranking: triples, LearnBPR steps (readable), mini-batch epochs (notebook 10)
    evaluation    leave-k-out, repeat-and-summarise, grid and random search, beyond-accuracy metrics (notebook 11)
    _ridge        private: the batched ALS half-steps, tested equal to the readable ones
    spark         a quiet local Apache Spark session, ratings to a DataFrame, Spark's factors back
    plots         the collection's figure style;  widgets: the explorer panel
    checks        self-checks for the exercises (one module per part of the collection)

Imports run one way (top of this list to bottom, roughly: _validate -> data -> loss -> result ->
metrics -> trainers -> plots/widgets/checks); tests/test_architecture.py enforces it.
"""
__version__ = "0.1.0"
