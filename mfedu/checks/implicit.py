"""Self-checks for notebook 07: implicit-feedback ALS and ranking metrics."""
from __future__ import annotations

import numpy as np

from ..data import Ratings
from ._feedback import Feedback, _start

__all__: list[str] = []      # the names notebook 07 calls as mfedu.checks.<name>
