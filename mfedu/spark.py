"""Apache Spark on this machine, for notebook 08: a quiet local session, ratings in, factors out.

Spark's ALS (``pyspark.ml.recommendation.ALS``) runs inside a Java virtual machine (JVM) that
pyspark starts and talks to. Three helpers keep notebook 08 about ALS rather than set-up:

    local_session   checks Java, then starts Spark in local mode: n worker threads on this
                    machine, bound to 127.0.0.1, no web UI, the JVM's log lines in a file
    to_dataframe    a Ratings as a Spark DataFrame with integer columns user, item and rating
    to_fit_result   the factors of a fitted ALSModel as an mfedu FitResult (row u = user u)

Spark 4 needs Java 17 or newer (it supports 17 and 21); ``check_java`` says what is missing
before pyspark would fail with a less helpful message. Nothing here reaches the network (unless
your own Spark configuration, spark-defaults.conf or PYSPARK_SUBMIT_ARGS, asks for packages).
"""
from __future__ import annotations

import atexit
import contextlib
import errno
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ._validate import check_float, check_int, check_matrix
from .data import Ratings, check_ratings, check_size
from .result import FitResult, lam_convention

JAVA_MIN = 17
INSTALL_HINT = ("Install Java 17 or 21 (on Debian/Ubuntu: sudo apt-get install "
                "openjdk-17-jre-headless) or set JAVA_HOME to one. Notebooks 00-07 do not need Java.")
PREFIX = "mfedu-spark-"      # temporary folders: PREFIX + "<pid>-<random>"
_folder: Path | None = None  # this process's folder, once local_session has started the JVM


def check_java() -> int:
    """The major version of the Java that Spark will use; RuntimeError if none or older than 17.

    Spark's launcher uses $JAVA_HOME/bin/java if JAVA_HOME is set, else ``java`` on the PATH;
    so does this check.
    """
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    where = f"JAVA_HOME={home}" if home else "the PATH"
    if not java or not os.path.isfile(java):
        raise RuntimeError(f"Spark needs Java {JAVA_MIN} or newer, but no java was found on {where}. "
                           + INSTALL_HINT)
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RuntimeError(f"Spark needs Java {JAVA_MIN} or newer; running {java} -version "
                           f"failed ({e}). " + INSTALL_HINT) from None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if found is None:
        raise RuntimeError(f"Spark needs Java {JAVA_MIN} or newer; could not read the version "
                           f"from {java} -version: {(out.stderr + out.stdout).strip()[:200]!r}. "
                           + INSTALL_HINT)
    major = int(found[2]) if found[1] == "1" else int(found[1])     # "1.8.0" is Java 8
    if major < JAVA_MIN:
        raise RuntimeError(f"Spark needs Java {JAVA_MIN} or newer, but {java} (from {where}) is "
                           f"Java {major}. " + INSTALL_HINT)
    return major


def local_session(cores: int = 2, memory: str = "1g"):
    """Start (or return the running) SparkSession in local mode, quiet and offline.

    Parameters
    ----------
    cores : task slots, ``local[cores]``: Spark runs this many tasks at a time on this machine.
    memory : the JVM's heap, e.g. "1g" (the synthetic set needs far less).

    ``cores`` and ``memory`` take effect when the JVM starts, once per Python process: a session
    that is already running is returned as it is (only a missing checkpoint folder is added),
    and after ``spark.stop()`` a new session reuses the same JVM.

    The JVM is bound to 127.0.0.1 and has no web UI and no progress bars. Its output (Java
    warnings, Spark's log) goes to ``spark.log`` in a temporary folder, ``log_file()``, instead
    of the notebook; if the JVM fails to start, the error quotes the end of that log. The folder
    also holds Spark's scratch files and ALS checkpoints. It is removed when the Python process
    exits normally; a Jupyter kernel that ran Spark is killed at shutdown before that happens, so
    each start also removes the folders of processes that no longer exist.

    Why a checkpoint folder: Spark remembers how each result was computed (its lineage), and in
    ALS that chain grows with every iteration. ALS writes the item factors to disk and cuts the
    chain when its loop counter is a multiple of ``checkpointInterval`` (10 by default): in
    iterations 1, 11, 21, ... in explicit mode (the counter starts at 0) and 10, 20, ... in
    implicit mode (it starts at 1), but only if a checkpoint folder is set; without one, long
    runs can fail with a StackOverflowError.
    """
    global _folder
    cores = check_int(cores, "cores", low=1)
    if not isinstance(memory, str) or re.fullmatch(r"\d+[kmgt]", memory.lower()) is None:
        raise ValueError(f"memory must be a JVM size such as '512m' or '1g', got {memory!r}")
    from pyspark.sql import SparkSession

    folder = _folder or new_temp_folder()
    spark = SparkSession.getActiveSession() or _start(folder, cores, memory)
    _folder = folder
    if spark.sparkContext.getCheckpointDir() is None:
        spark.sparkContext.setCheckpointDir(str(folder / "checkpoints"))
    return spark


def _start(folder: Path, cores: int, memory: str):
    """Launch the JVM and a local session, its output sent to ``folder / "spark.log"``."""
    from pyspark.sql import SparkSession

    check_java()
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"    # bind to loopback, not the first other interface
    builder = (SparkSession.builder.master(f"local[{cores}]").appName("mfedu")
               .config("spark.driver.memory", memory)
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.log.level", "WARN")
               .config("spark.sql.shuffle.partitions", str(cores))
               .config("spark.default.parallelism", str(cores))
               .config("spark.local.dir", str(folder / "scratch"))
               .config("spark.sql.warehouse.dir", str(folder / "warehouse"))
               .config("spark.pyspark.python", sys.executable)
               .config("spark.pyspark.driver.python", sys.executable))
    log = folder / "spark.log"
    try:
        with redirect_output(log):                      # the JVM inherits these descriptors
            spark = builder.getOrCreate()
    except Exception as e:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"Spark did not start; the end of its log ({log}):\n{tail}") from e
    return spark


def log_file() -> Path | None:
    """Where the JVM started by ``local_session`` writes its output (None before it starts)."""
    return None if _folder is None else _folder / "spark.log"


def to_dataframe(spark, ratings: Ratings):
    """The ratings as a Spark DataFrame with columns user (int), item (int), rating (double)."""
    ratings = check_ratings(ratings, "ratings")
    from pyspark.sql.types import DoubleType, IntegerType, StructField, StructType

    schema = StructType([StructField("user", IntegerType(), False),
                         StructField("item", IntegerType(), False),
                         StructField("rating", DoubleType(), False)])
    rows = zip(ratings.users.tolist(), ratings.items.tolist(), ratings.values.tolist())
    return spark.createDataFrame(list(rows), schema)


def to_fit_result(model, n_users: int, n_items: int, params: dict | None = None,
                  reg_param: float | None = None) -> FitResult:
    """The factors of a fitted ``pyspark.ml.recommendation.ALSModel`` as a FitResult.

    Row u of X is Spark's factor for user id u (Spark stores them as float32; they are widened
    to float64). Users or items Spark never saw in training keep a zero row, so they predict 0,
    as mfedu's own ALS does. The history is empty: Spark does not report one. ``reg_param``: the
    estimator's regParam, recorded as params["lam"] with Spark's weighted convention (lam n_u,
    lam n_i; notebook 08, eq. (1)) in params["lam_convention"].

    Checks: model has Spark's userFactors, itemFactors and rank (an int >= 1); every factor row
    has an int id in [0, n_users) (or [0, n_items)) and ``rank`` finite features; n_users and
    n_items ints in [1, 10 million]; params None or a dict; reg_param None or a float >= 0.
    """
    if not all(hasattr(model, a) for a in ("userFactors", "itemFactors", "rank")):
        raise TypeError("model must be a fitted pyspark.ml.recommendation.ALSModel (with "
                        f"userFactors, itemFactors and rank), got {type(model).__name__}")
    rank = check_int(model.rank, "model.rank", low=1)
    n_users = check_size(n_users, "n_users", "user")
    n_items = check_size(n_items, "n_items", "item")
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"params must be None or a dict, got {type(params).__name__} {params!r}")
    factors = []
    for frame, n, name, side in ((model.userFactors, n_users, "n_users", "userFactors"),
                                 (model.itemFactors, n_items, "n_items", "itemFactors")):
        rows = frame.collect()
        F = np.zeros((n, rank))
        if rows:
            ids = [row["id"] for row in rows]
            if not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in ids):
                raise TypeError(f"model.{side} ids must be ints, got {ids[:3]!r}...")
            bad = [i for i in ids if not 0 <= i < n]
            if bad:
                raise ValueError(f"model.{side} has the id {bad[0]}, outside [0, {name}) = "
                                 f"[0, {n}); pass the {name} of the data it was fitted on")
            ids = np.array(ids, dtype=np.int64)
            features = [row["features"] for row in rows]
            if any(len(f) != rank for f in features):
                raise ValueError(f"model.{side} features must each have model.rank = {rank} "
                                 "numbers, got other lengths")
            F[ids] = check_matrix(np.array(features, dtype=np.float64), f"model.{side} features")
        factors.append(F)
    extra = {} if reg_param is None else {"lam": check_float(reg_param, "reg_param", low=0.0),
                                          "lam_convention": lam_convention(True)}
    return FitResult(*factors, params={"method": "Spark ALS", "rank": rank, **extra, **(params or {})})


def new_temp_folder() -> Path:
    """A new temporary folder PREFIX<pid>-<random> for this process (``local_session`` calls it
    once); first remove the folders of processes that have ended, and remove this one at exit."""
    for old in Path(tempfile.gettempdir()).glob(PREFIX + "*-*"):
        pid = old.name[len(PREFIX):].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)                             # signal 0: only asks whether pid exists
    except OSError as e:
        return e.errno == errno.EPERM               # exists, but belongs to another user
    return True


@contextlib.contextmanager
def redirect_output(path: Path):
    """Point this process's stdout and stderr file descriptors (1 and 2) at ``path`` for a while.

    A child process started meanwhile (the JVM) inherits the file and keeps writing there; in
    Jupyter, descriptors 1 and 2 would otherwise carry its lines into the notebook's output.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    try:
        with open(path, "ab") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in zip((1, 2), saved):
            os.dup2(copy, fd)
            os.close(copy)
