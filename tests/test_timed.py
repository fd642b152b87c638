"""The timed synthetic set (make_timed): its times, its planted effects and its oracle."""
import numpy as np
import pytest

from mfedu.data import load_synthetic
from mfedu.synthetic import (DAY, DEV_POWER, STAR_SHARE, TIMED_DAYS, TIMED_START, make_synthetic,
                             make_timed)

TIMED = make_timed()
R, TRUTH = TIMED.ratings, TIMED.truth


def test_same_users_counts_and_static_truth_as_the_committed_set_but_a_stronger_choice():
    base = load_synthetic("explicit")
    assert np.array_equal(R.user_counts(), base.user_counts())       # each user rates as many items
    plain = make_synthetic(seed=0).truth
    assert np.array_equal(TRUTH.static.X, plain.X) and np.array_equal(TRUTH.static.bi, plain.bi)
    assert R.item_labels == base.item_labels
    # the rated items are drawn again with a stronger pull of taste: the true taste term
    # x*_u . y*_i of the rated pairs is higher on average than in the committed set
    taste = lambda r: np.einsum("jk,jk->j", plain.X[r.users], plain.Y[r.items]).mean()   # noqa: E731
    assert taste(R) > taste(base) + 0.15          # 0.376 against 0.125


def test_times_span_the_days_and_each_session_is_one_day():
    day = (R.times - TIMED_START) // DAY
    assert day.min() >= 0 and day.max() < TIMED_DAYS
    pairs = set(zip(TRUTH.session_users.tolist(), TRUTH.session_days.tolist()))
    assert set(zip(R.users.tolist(), day.tolist())) <= pairs     # every rating falls in a session
    key = TRUTH.session_users * TIMED_DAYS + TRUTH.session_days
    assert np.all(np.diff(key) > 0)                              # sorted, one entry per (user, day)
    mean_day = np.array([day[R.users == u].mean() for u in range(R.n_users)])
    assert np.allclose(mean_day, TRUTH.user_mean_day)


def test_time_effect_is_the_documented_sum():
    u, i, t = R.users[:500], R.items[:500], R.times[:500]
    d = np.floor((t - TIMED_START) / DAY)
    gap = d - TRUTH.user_mean_day[u]
    offsets = {(a, b): c for a, b, c in zip(TRUTH.session_users.tolist(), TRUTH.session_days.tolist(),
                                            TRUTH.session_offsets.tolist())}
    expected = (TRUTH.item_drift[i] * (2 * d / TIMED_DAYS - 1)
                + TRUTH.user_drift[u] * np.sign(gap) * np.abs(gap) ** DEV_POWER
                + np.array([offsets[(a, int(b))] for a, b in zip(u.tolist(), d.tolist())]))
    assert np.allclose(TRUTH.time_effect(u, i, t), expected)
    # a day without a session has no day offset
    quiet = TIMED_START + DAY * (int(TRUTH.user_mean_day[0]) + 10_000)
    gap = 10_000 + int(TRUTH.user_mean_day[0]) - TRUTH.user_mean_day[0]
    d = int(TRUTH.user_mean_day[0]) + 10_000
    assert np.isclose(TRUTH.time_effect([0], [3], [quiet])[0],
                      TRUTH.item_drift[3] * (2 * d / TIMED_DAYS - 1) + TRUTH.user_drift[0] * gap ** DEV_POWER)


def test_stars_keep_the_histogram_and_time_matters_to_the_oracle():
    share = np.bincount(R.values.astype(int), minlength=6)[1:] / len(R)
    assert np.allclose(share[:4], STAR_SHARE[:4], atol=0.002) and abs(share[4] - (1 - STAR_SHARE[:4].sum())) < 0.002
    with_time = TRUTH.oracle_rmse(R)
    static = TRUTH.static
    # the best prediction that ignores time (the static score, thresholds re-fitted to the timed
    # stars, noise widened by the time effect's spread) is clearly worse
    spread = np.sqrt(static.sigma ** 2 + TRUTH.time_effect(R.users, R.items, R.times).var())
    s = static.score(R.users, R.items)
    from scipy.special import ndtr
    no_time = 1 + ndtr((s[:, None] - static.thresholds) / spread).sum(axis=1)
    assert with_time < np.sqrt(np.mean((R.values - no_time) ** 2)) - 0.03
    assert 0.80 < with_time < 0.88


def test_deterministic_and_seeded():
    again = make_timed()
    assert np.array_equal(again.ratings.times, R.times) and np.array_equal(again.ratings.values, R.values)
    other = make_timed(seed=1)
    assert not np.array_equal(other.ratings.times[:100], R.times[:100])


def test_oracle_needs_times():
    with pytest.raises(ValueError, match="ratings must have times"):
        TRUTH.oracle_rmse(load_synthetic("explicit"))
