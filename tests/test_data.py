import hashlib

import numpy as np
import pytest
import scipy.sparse as sp

from mfedu.data import Ratings, load_synthetic, toy, train_test_split
from mfedu.synthetic import make_synthetic
from mfedu.synthetic import STAR_SHARE, write_files


def small():
    return Ratings([0, 0, 1, 2], [0, 2, 1, 2], [5.0, 3.0, 4.0, 1.0], 3, 3)


# ----------------------------------------------------------------------------- Ratings

def test_ratings_basics():
    r = small()
    assert len(r) == 4 and r.shape == (3, 3)
    assert r.density == pytest.approx(4 / 9)
    R = r.to_csr()
    assert sp.issparse(R) and R.shape == (3, 3) and R[0, 2] == 3.0 and R[2, 0] == 0
    D = r.to_dense()
    assert np.isnan(D[1, 0]) and D[2, 2] == 1.0
    assert r.user_counts().tolist() == [2, 1, 1]
    assert r.item_counts().tolist() == [1, 1, 2]
    assert "3 users x 3 items" in repr(r)


def test_ratings_are_immutable():
    r = small()
    with pytest.raises(ValueError):
        r.values[0] = 1.0
    with pytest.raises(AttributeError):
        r.n_users = 5


def test_ratings_copy_input_arrays():
    users = np.array([0, 1])
    r = Ratings(users, [0, 1], [1.0, 2.0], 2, 2)
    users[0] = 1
    assert r.users[0] == 0


@pytest.mark.parametrize("kwargs, message", [
    (dict(users=[0, 1], items=[0], values=[1.0, 2.0]), "equal lengths"),
    (dict(users=[0, 3], items=[0, 1], values=[1.0, 2.0]), r"users must be in \[0, n_users\)"),
    (dict(users=[0, -1], items=[0, 1], values=[1.0, 2.0]), "users must be in"),
    (dict(users=[0, 1], items=[0, 5], values=[1.0, 2.0]), r"items must be in \[0, n_items\)"),
    (dict(users=[0, 1], items=[0, 1], values=[1.0, np.nan]), "values must contain only finite"),
    (dict(users=[0, 1], items=[0, 1], values=[1.0, np.inf]), "values must contain only finite"),
    (dict(users=[1, 1], items=[2, 2], values=[1.0, 2.0]), r"pair \(1, 2\) occurs more than once"),
    (dict(users=[0.5, 1], items=[0, 1], values=[1.0, 2.0]), "users must hold integers"),
    (dict(users=[[0, 1]], items=[0, 1], values=[1.0, 2.0]), "users must be 1-D"),
    (dict(users=[0, 1], items=[0, 1], values=["a", "b"]), "values must hold numbers"),
])
def test_ratings_validation_names_the_rule(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        Ratings(n_users=3, n_items=3, **kwargs)


def test_ratings_validates_sizes_and_labels():
    with pytest.raises(ValueError, match="n_users must be an int >= 1"):
        Ratings([], [], [], 0, 3)
    with pytest.raises(TypeError, match="n_items must be an int"):
        Ratings([], [], [], 3, 2.5)
    with pytest.raises(ValueError, match="item_labels must be a sequence of 3 strings"):
        Ratings([0], [0], [1.0], 3, 3, item_labels=("a", "b"))


def test_toy_table():
    t = toy()
    assert t.shape == (6, 6) and len(t) == 24
    assert t.item_labels[0] == "Alien" and t.user_labels[3] == "Dev"
    assert set(np.unique(t.values)) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert np.isnan(t.to_dense()).sum() == 12


# ----------------------------------------------------------------------------- splits

@pytest.mark.parametrize("by_user", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_split_invariants(by_user, seed):
    data = load_synthetic()
    train, test = train_test_split(data, 0.2, seed=seed, by_user=by_user)
    assert train.shape == test.shape == data.shape
    assert train.item_labels == data.item_labels
    keys = lambda r: set(zip(r.users.tolist(), r.items.tolist()))
    assert keys(train).isdisjoint(keys(test))
    assert keys(train) | keys(test) == keys(data)
    assert len(test) == pytest.approx(0.2 * len(data), rel=0.02)
    # the values travel with their pairs
    lookup = dict(zip(zip(data.users.tolist(), data.items.tolist()), data.values.tolist()))
    assert all(lookup[(u, i)] == v for u, i, v in zip(test.users.tolist(), test.items.tolist(),
                                                         test.values.tolist()))
    if by_user:
        assert np.all(train.user_counts() >= 1)
        assert np.all(np.abs(test.user_counts() - 0.2 * data.user_counts()) <= 0.5 + 1e-9)


def test_split_is_reproducible_and_seed_dependent():
    data = toy()
    a, _ = train_test_split(data, 0.25, seed=3)
    b, _ = train_test_split(data, 0.25, seed=3)
    c, _ = train_test_split(data, 0.25, seed=4)
    assert np.array_equal(a.users, b.users) and np.array_equal(a.items, b.items)
    assert not (np.array_equal(a.users, c.users) and np.array_equal(a.items, c.items))


def test_by_user_split_keeps_a_training_rating_for_every_user():
    r = Ratings([0, 1, 1], [0, 0, 1], [1.0, 2.0, 3.0], 2, 2)
    train, test = train_test_split(r, 0.9, by_user=True)
    assert train.user_counts().tolist() == [1, 1] and len(test) == 1


# ----------------------------------------------------------------------------- synthetic

@pytest.fixture(scope="module")
def synthetic():
    return make_synthetic(seed=0)


def test_synthetic_shape_like_movielens(synthetic):
    ex = synthetic.explicit
    assert ex.shape == (943, 1682) and len(ex) == 100_000
    share = np.bincount(ex.values.astype(int), minlength=6)[1:] / len(ex)
    assert np.allclose(share, STAR_SHARE, atol=0.01)
    assert ex.user_counts().min() >= 20
    pop = np.sort(ex.item_counts())[::-1]
    assert pop[:168].sum() > 0.4 * len(ex)          # top 10% of items hold > 40% of ratings
    im = synthetic.implicit
    assert im.shape == ex.shape and np.all(im.values >= 1)
    assert im.values.max() > 20 * np.median(im.values)   # heavy tail


def test_synthetic_truth_is_consistent(synthetic):
    ex, truth = synthetic.explicit, synthetic.truth
    assert truth.X.shape == (943, 8) and truth.Y.shape == (1682, 8)
    # the stars are the cut noisy opinions
    z = truth.score(ex.users, ex.items) + truth.noise
    assert np.array_equal(1 + (z[:, None] > truth.thresholds).sum(axis=1), ex.values)
    e = truth.expected_rating(ex.users, ex.items)
    assert np.all((e >= 1) & (e <= 5))
    mean_rmse = np.sqrt(np.mean((ex.values - ex.values.mean()) ** 2))
    assert truth.oracle_rmse(ex) < 0.85 * mean_rmse
    # each item's dominant genre is its largest true factor
    assert np.mean(np.argmax(truth.Y, axis=1) == truth.item_genre) > 0.99


def test_synthetic_expected_rating_matches_simulation(synthetic):
    truth = synthetic.truth
    users, items = np.array([0, 5, 100]), np.array([3, 50, 900])
    rng = np.random.default_rng(1)
    z = truth.score(users, items)[:, None] + truth.sigma * rng.normal(size=(3, 200_000))
    stars = 1 + (z[..., None] > truth.thresholds).sum(axis=-1)
    assert np.allclose(stars.mean(axis=1), truth.expected_rating(users, items), atol=0.01)


def test_generator_is_reproducible_and_seeded():
    a, b, c = make_synthetic(1, 50, 80, 1500), make_synthetic(1, 50, 80, 1500), make_synthetic(2, 50, 80, 1500)
    assert np.array_equal(a.explicit.values, b.explicit.values)
    assert np.array_equal(a.implicit.items, b.implicit.items)
    assert not np.array_equal(a.explicit.items, c.explicit.items)


def test_committed_files_regenerate_byte_for_byte(synthetic, tmp_path):
    from mfedu.data import synthetic_dir
    write_files(synthetic, tmp_path)
    written = sorted(tmp_path.iterdir())
    assert len(written) == 3
    for path in written:
        assert path.read_bytes() == (synthetic_dir() / path.name).read_bytes(), path.name
    # a folder written by the generator passes load_synthetic's checks and loads the same data
    assert np.array_equal(load_synthetic("implicit", data_home=tmp_path).values, synthetic.implicit.values)


def test_committed_files_match_the_checks_stored_in_data_py():
    from mfedu.data import COMMITTED_FILES, synthetic_dir
    assert sorted(COMMITTED_FILES) == sorted(p.name for p in synthetic_dir().glob("*.tsv"))
    for name, expected in COMMITTED_FILES.items():
        data = (synthetic_dir() / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == expected.sha256, name
        lines = data.decode("utf-8").splitlines()
        assert tuple(lines[:len(expected.header)]) == expected.header, name
        assert len(lines) == len(expected.header) + expected.rows, name


def test_load_synthetic_equals_generator(synthetic):
    for kind in ("explicit", "implicit"):
        loaded, made = load_synthetic(kind), getattr(synthetic, kind)
        for field in ("users", "items", "values"):
            assert np.array_equal(getattr(loaded, field), getattr(made, field))
        assert loaded.item_labels == made.item_labels


def test_load_synthetic_errors(tmp_path):
    with pytest.raises(ValueError, match="kind must be one of"):
        load_synthetic("ratings")
    with pytest.raises(FileNotFoundError, match="python -m mfedu.synthetic"):
        load_synthetic("explicit", data_home=tmp_path)


def test_play_weight_is_the_implicit_drawing_weight():
    data = make_synthetic(seed=3, n_users=60, n_items=90, n_ratings=1500)
    t, imp = data.truth, data.implicit
    users, items = np.repeat(np.arange(60), 90), np.tile(np.arange(90), 60)
    w = t.play_weight(users, items)
    assert np.allclose(w, t.log_pop[items] + 2.0 * (t.score(users, items) - t.score_mean))
    assert np.isclose(t.score_mean, t.score(users, items).mean())
    # pairs were drawn with probability ~ exp(w): the played pairs carry far larger weights
    assert t.play_weight(imp.users, imp.items).mean() > w.mean() + 1.0
