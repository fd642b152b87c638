"""Timestamps on Ratings and the time-ordered split (train_test_split(order="time"))."""
import numpy as np
import pytest

from mfedu.data import Ratings, load_synthetic, toy, train_test_split

SYN = load_synthetic("explicit")
RNG = np.random.default_rng(5)
# Times with many ties (whole days), so the tie-breaking is exercised too.
TIMES = 880_000_000 + 86_400 * RNG.integers(0, 200, size=len(SYN))
TIMED = Ratings(SYN.users, SYN.items, SYN.values, SYN.n_users, SYN.n_items,
                SYN.user_labels, SYN.item_labels, TIMES)


def test_times_are_kept_read_only_and_follow_subset():
    assert TIMED.times.dtype == np.int64 and not TIMED.times.flags.writeable
    assert np.array_equal(TIMED.times, TIMES)
    mask = TIMED.values >= 4
    part = TIMED.subset(mask)
    assert np.array_equal(part.times, TIMES[mask]) and np.array_equal(part.users, SYN.users[mask])
    assert SYN.times is None and SYN.subset(mask).times is None
    assert repr(TIMED).endswith("with times)") and "times" not in repr(SYN)


def test_times_accept_whole_floats_and_negative_seconds():
    t = toy()
    r = Ratings(t.users, t.items, t.values, 6, 6, times=np.arange(len(t), dtype=float) - 5)
    assert r.times.dtype == np.int64 and r.times[0] == -5


@pytest.mark.parametrize("times, exc, message", [
    (np.arange(23), ValueError, r"times must have length len\(values\) = 24, got 23"),
    (np.arange(24) + 0.5, TypeError, "times must hold integers"),
    (np.full(24, np.nan), TypeError, "times must hold integers"),
    ("2024-01-01", TypeError, "times must be a 1-D array"),
    (np.arange(24).reshape(4, 6), ValueError, "times must be 1-D"),
])
def test_bad_times_are_named(times, exc, message):
    t = toy()
    with pytest.raises(exc, match=message):
        Ratings(t.users, t.items, t.values, 6, 6, times=times)


def test_global_time_cut_puts_the_latest_entries_in_test():
    train, test = train_test_split(TIMED, 0.2, seed=3, order="time")
    assert len(test) == 20_000 and len(train) + len(test) == len(TIMED)
    assert train.times.max() <= test.times.min()
    # every entry is in exactly one part, with its own value and time
    key = lambda r: set(zip(r.users.tolist(), r.items.tolist(), r.values.tolist(), r.times.tolist()))  # noqa: E731
    assert key(train) | key(test) == key(TIMED) and not key(train) & key(test)
    # entries of the cut's day are shared between the parts, at random: another seed moves them
    other_train, _ = train_test_split(TIMED, 0.2, seed=4, order="time")
    assert key(other_train) != key(train)
    assert key(train_test_split(TIMED, 0.2, seed=3, order="time")[0]) == key(train)


def test_per_user_time_split_gives_each_user_their_latest_entries():
    train, test = train_test_split(TIMED, 0.25, seed=0, by_user=True, order="time")
    counts = TIMED.user_counts()
    expected = np.minimum(np.round(0.25 * counts).astype(int), np.maximum(counts - 1, 0))
    assert np.array_equal(test.user_counts(), expected)       # the same counts as order="random"
    random_test = train_test_split(TIMED, 0.25, seed=0, by_user=True)[1]
    assert np.array_equal(random_test.user_counts(), expected)
    assert np.all(train.user_counts()[counts > 0] >= 1)
    for u in np.flatnonzero(expected):
        assert train.times[train.users == u].max() <= test.times[test.users == u].min()


def test_random_order_is_the_default_and_ignores_times():
    for by_user in (False, True):
        a_train, a_test = train_test_split(TIMED, 0.2, seed=1, by_user=by_user)
        b_train, b_test = train_test_split(SYN, 0.2, seed=1, by_user=by_user, order="random")
        assert np.array_equal(a_test.users, b_test.users) and np.array_equal(a_test.items, b_test.items)
        assert a_test.times is not None and b_test.times is None


def test_time_order_needs_times_and_a_known_order():
    with pytest.raises(ValueError, match='order="time" needs ratings with times'):
        train_test_split(SYN, 0.2, order="time")
    with pytest.raises(ValueError, match="order must be one of"):
        train_test_split(TIMED, 0.2, order="newest")
