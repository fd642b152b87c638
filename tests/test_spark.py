"""mfedu.spark: the Java check, a quiet local session, ratings in and factors out, and Spark's ALS
against the ALS-WR half-step of mfedu.als.

The tests that need a running Spark skip when Java 17+ is missing, except under CI=true, where
that is a failure (notebook 08 needs it too).
"""
import os
import stat
import subprocess
import sys

import numpy as np
import pytest

from mfedu import spark as mspark
from mfedu.als import half_step
from mfedu.data import Ratings
from mfedu.synthetic import make_synthetic

SMALL = make_synthetic(seed=3, n_users=60, n_items=80, n_ratings=1500).explicit


# ----------------------------------------------------------------------------- check_java

def fake_java(folder, output):
    """A java that prints ``output`` to stderr, as `java -version` does."""
    java = folder / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho '{output}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.mark.parametrize("output, major", [
    ('openjdk version "17.0.15" 2025-04-15', 17),
    ('openjdk version "21" 2023-09-19', 21),
])
def test_check_java_reads_the_version(tmp_path, monkeypatch, output, major):
    monkeypatch.setenv("JAVA_HOME", str(fake_java(tmp_path, output)))
    assert mspark.check_java() == major


@pytest.mark.parametrize("output, words", [
    ('openjdk version "11.0.2" 2019-01-15', "is Java 11"),
    ('java version "1.8.0_392"', "is Java 8"),
    ("Error: could not open jvm.cfg", "could not read the version"),
])
def test_check_java_rejects_old_or_broken_java(tmp_path, monkeypatch, output, words):
    monkeypatch.setenv("JAVA_HOME", str(fake_java(tmp_path, output)))
    with pytest.raises(RuntimeError, match="Java 17 or newer") as info:
        mspark.check_java()
    assert words in str(info.value) and "openjdk-17-jre-headless" in str(info.value)


def test_check_java_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))                  # no bin/java there
    with pytest.raises(RuntimeError, match=f"no java was found on JAVA_HOME={tmp_path}"):
        mspark.check_java()
    monkeypatch.delenv("JAVA_HOME")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="no java was found on the PATH"):
        mspark.check_java()


@pytest.mark.parametrize("kwargs, message", [
    (dict(cores=0), "cores must be an int >= 1"),
    (dict(memory="lots"), "memory must be a JVM size"),
    (dict(memory=1024), "memory must be a JVM size"),
])
def test_local_session_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mspark.local_session(**kwargs)


def test_old_folders_of_ended_processes_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(mspark.tempfile, "tempdir", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True).stdout.strip()
    dead = tmp_path / f"{mspark.PREFIX}{ended}-abc"
    live = tmp_path / f"{mspark.PREFIX}{os.getpid()}-def"
    other = tmp_path / "mfedu-spark-notes"                       # not ours: no pid in the name
    for folder in (dead, live, other):
        (folder / "checkpoints").mkdir(parents=True)
    new = mspark.new_temp_folder()
    assert not dead.exists() and live.exists() and other.exists()
    assert new.parent == tmp_path and new.name.startswith(f"{mspark.PREFIX}{os.getpid()}-")


# ----------------------------------------------------------------------------- a real session

def needs_java():
    try:
        mspark.check_java()
    except RuntimeError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Java for Spark: {e}")
        pytest.skip(str(e))


def test_a_failed_start_quotes_the_java_log():
    """A heap too small for the JVM: the error shows Java's own message, not just pyspark's."""
    needs_java()
    code = ("import mfedu.spark\n"
            "try:\n    mfedu.spark.local_session(memory='1k')\n"
            "except RuntimeError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "Spark did not start" in out.stdout and "heap" in out.stdout, out.stdout + out.stderr


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """One local Spark for this module, started with descriptors 1 and 2 pointed at a file, so
    that anything the start leaks past local_session's own log redirection is recorded."""
    needs_java()
    leaked = tmp_path_factory.mktemp("spark") / "leaked.txt"
    with mspark.redirect_output(leaked):
        spark = mspark.local_session(cores=2, memory="512m")
        spark.range(10).count()
    yield spark, leaked.read_text()
    spark.stop()


def test_session_is_local_quiet_and_reused(session):
    spark, leaked = session
    assert leaked == ""                                   # the JVM's lines went to its own log
    assert mspark.log_file().is_file() and mspark.log_file().stat().st_size > 0
    assert spark.sparkContext.master == "local[2]"
    assert spark.conf.get("spark.driver.bindAddress") == "127.0.0.1"
    assert spark.conf.get("spark.ui.enabled") == "false"
    assert spark.sparkContext.getCheckpointDir() is not None
    assert mspark.local_session() is spark


def test_to_dataframe_keeps_every_rating(session):
    spark, _ = session
    frame = mspark.to_dataframe(spark, SMALL)
    assert [f.dataType.simpleString() for f in frame.schema.fields] == ["int", "int", "double"]
    rows = np.array(frame.collect(), dtype=float)
    assert np.array_equal(rows, np.column_stack([SMALL.users, SMALL.items, SMALL.values]))


def test_spark_runs_the_als_wr_half_step(session):
    """From Spark's own start (maxIter=0), one hand sweep of equation (1) of mfedu.als, items
    first, gives Spark's factors after one iteration (float32 precision)."""
    from pyspark.ml.recommendation import ALS

    spark, _ = session
    frame = mspark.to_dataframe(spark, SMALL).cache()
    als = ALS(rank=3, regParam=0.1, seed=1, numUserBlocks=3, numItemBlocks=2)
    start = mspark.to_fit_result(als.copy().setParams(maxIter=0).fit(frame), SMALL.n_users, SMALL.n_items)
    one = mspark.to_fit_result(als.copy().setParams(maxIter=1).fit(frame), SMALL.n_users, SMALL.n_items)
    R_u = SMALL.to_csr()
    R_i = R_u.T.tocsr()
    Y = half_step(R_i, start.X, 0.1 * np.diff(R_i.indptr))
    X = half_step(R_u, Y, 0.1 * np.diff(R_u.indptr))
    assert np.abs(one.Y - Y).max() < 1e-5 and np.abs(one.X - X).max() < 1e-5
    assert not np.allclose(start.X, one.X, atol=1e-3)                     # it did move
    assert one.params == {"method": "Spark ALS", "rank": 3}


def test_to_fit_result_maps_ids_to_rows(session):
    """Users and items without training data keep zero rows; ids past n_users are an error."""
    from pyspark.ml.recommendation import ALS

    spark, _ = session
    sparse = Ratings(np.array([0, 0, 2, 2]), np.array([1, 3, 1, 3]), np.array([5.0, 1.0, 4.0, 2.0]), 4, 5)
    model = ALS(rank=2, maxIter=2, regParam=0.1, seed=0).fit(mspark.to_dataframe(spark, sparse))
    result = mspark.to_fit_result(model, 4, 5, params={"regParam": 0.1})
    assert result.X.shape == (4, 2) and result.Y.shape == (5, 2)
    assert np.all(result.X[[1, 3]] == 0) and np.all(result.Y[[0, 2, 4]] == 0)
    by_id = {row["id"]: row["features"] for row in model.userFactors.collect()}
    assert np.allclose(result.X[2], by_id[2]) and result.params["regParam"] == 0.1
    with pytest.raises(ValueError, match=r"model.userFactors has the id 2, outside \[0, n_users\) = \[0, 2\)"):
        mspark.to_fit_result(model, 2, 5)
