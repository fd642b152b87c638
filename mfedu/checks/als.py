"""Self-checks for notebook 06: explicit ALS."""
from __future__ import annotations

import numpy as np

from ..data import Ratings
from ._feedback import Feedback, _start

__all__: list[str] = []      # the names notebook 06 calls as mfedu.checks.<name>
