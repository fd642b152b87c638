"""Self-checks for the notebooks' exercises: they say what is wrong, not just pass/fail.

Each check takes the reader's answer (``None`` while the exercise is not attempted) and returns
a ``Feedback`` that displays as one or two sentences; ``bool(feedback)`` is True when correct.

One module per part of the collection, all importable from here (``mfedu.checks.density``):
``svd`` (notebooks 00-02), ``mf`` (03-05: the loss, gradients, SGD), ``als`` (06: explicit
ALS), ``implicit`` (07-07b: implicit ALS, CG, ranking metrics), ``spark`` (08: Spark),
``advanced`` (09: SVD++, time effects, confidence weights), ``sgd_tuning`` (05b: tuning SGD),
``bpr`` (10: BPR), ``evaluation`` (11: honest evaluation); and the
conceptual exercises of ``start`` (00), ``evd`` (01), ``loss`` (03) and ``gradients`` (04).
"""
from ._feedback import Feedback
from .svd import (density, most_rated, singular_values, left_vectors, eckart_young, top_unseen,
                  user_mean_impute, damped_item_means, shrink_factor, calibration_slope)
from .mf import *          # noqa: F401,F403  (mf_loss_value ... plain_lambda, batch_levels)
from .als import *          # noqa: F401,F403  (each module lists its checks in __all__)
from .implicit import *     # noqa: F401,F403
from .spark import *        # noqa: F401,F403
from .start import *       # noqa: F401,F403
from .evd import *         # noqa: F401,F403
from .loss import *        # noqa: F401,F403
from .gradients import *   # noqa: F401,F403
from .advanced import *    # noqa: F401,F403
from .sgd_tuning import *  # noqa: F401,F403
from .bpr import *         # noqa: F401,F403
from .evaluation import *  # noqa: F401,F403
