"""Ranking metrics: hand-computed cases, a per-user loop, baselines and bad input."""
import numpy as np
import pytest

from mfedu import metrics
from mfedu.data import Ratings, load_synthetic, train_test_split
from mfedu.metrics import (auc, expected_percentile_rank, map_at_k, ndcg_at_k, popularity_baseline,
                           precision_at_k, ranking_metrics, recall_at_k)
from mfedu.result import FitResult

# Two users, six items.
# user 0: scores fall with the item id; item 0 is in train; test items 2 (value 1) and 5 (value 3).
#   candidates in order 1, 2, 3, 4, 5; top-3 = [1, 2, 3]: one hit, at position 2.
# user 1: every score equal (a tie everywhere); no train; test item 0 (value 2).
#   stable order 0, 1, 2, ...: a hit at position 1; its percentile rank is the mean position 3.5.
SCORES = np.array([[0.9, 0.8, 0.7, 0.6, 0.5, 0.4],
                   [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]])
TRAIN = Ratings([0], [0], [1.0], 2, 6)
TEST = Ratings([0, 0, 1], [2, 5, 0], [1.0, 3.0, 2.0], 2, 6)
IDCG_2 = 1 + 1 / np.log2(3)
BY_HAND = {
    "precision": (1 / 3 + 1 / 3) / 2,
    "recall": (1 / 2 + 1) / 2,
    "map": ((1 / 2) / 2 + 1) / 2,                     # user 0: precision@2 = 1/2, over min(3, 2)
    "ndcg": ((1 / np.log2(3)) / IDCG_2 + 1) / 2,
    "auc": (2 / 6 + 1 / 2) / 2,                       # user 0: item 2 beats 3 and 4, item 5 none
    "epr": (1 * 1 / 4 + 3 * 4 / 4 + 2 * (3.5 - 1) / 5) / (1 + 3 + 2),
}


def test_hand_computed_case():
    got = ranking_metrics(SCORES, TEST, TRAIN, k=3)
    assert got == pytest.approx(BY_HAND, rel=1e-12)
    assert precision_at_k(SCORES, TEST, TRAIN, k=3) == pytest.approx(BY_HAND["precision"])
    assert recall_at_k(SCORES, TEST, TRAIN, k=3) == pytest.approx(BY_HAND["recall"])
    assert map_at_k(SCORES, TEST, TRAIN, k=3) == pytest.approx(BY_HAND["map"])
    assert ndcg_at_k(SCORES, TEST, TRAIN, k=3) == pytest.approx(BY_HAND["ndcg"])
    assert auc(SCORES, TEST, TRAIN) == pytest.approx(BY_HAND["auc"])
    assert expected_percentile_rank(SCORES, TEST, TRAIN) == pytest.approx(BY_HAND["epr"])


def test_training_items_are_excluded():
    # without exclusion, user 0's item 0 takes the top place and every later position shifts
    assert precision_at_k(SCORES, TEST, None, k=1) == pytest.approx(0.5)      # only user 1 hits
    assert precision_at_k(SCORES, TEST, TRAIN, k=1) == pytest.approx(0.5)
    assert expected_percentile_rank(SCORES, TEST, None) != pytest.approx(BY_HAND["epr"])


def loop_metrics(S, test, train, k):
    """The readable version: one user at a time, pairs counted one by one."""
    out = {name: [] for name in metrics.RANKING_METRICS if name != "epr"}
    epr_num = epr_den = 0.0
    for u in np.unique(test.users):
        seen = set(train.items[train.users == u])
        cand = [i for i in range(S.shape[1]) if i not in seen]
        rel = dict(zip(test.items[test.users == u], test.values[test.users == u]))
        ranked = sorted(cand, key=lambda i: (-S[u, i], i))
        hits = [1.0 if i in rel else 0.0 for i in ranked[:k]]
        out["precision"].append(sum(hits) / k)
        out["recall"].append(sum(hits) / len(rel))
        out["map"].append(sum(h * sum(hits[:j + 1]) / (j + 1) for j, h in enumerate(hits))
                          / min(k, len(rel)))
        ideal = sum(1 / np.log2(j + 2) for j in range(min(k, len(rel))))
        out["ndcg"].append(sum(h / np.log2(j + 2) for j, h in enumerate(hits)) / ideal)
        neg = [j for j in cand if j not in rel]
        pairs = [1.0 if S[u, i] > S[u, j] else 0.5 if S[u, i] == S[u, j] else 0.0
                 for i in rel for j in neg]
        out["auc"].append(np.mean(pairs))
        for i, r in rel.items():
            above = sum(S[u, j] > S[u, i] for j in cand)
            tied = sum(S[u, j] == S[u, i] for j in cand) - 1
            epr_num += r * (above + tied / 2) / (len(cand) - 1)
            epr_den += r
    result = {name: float(np.mean(v)) for name, v in out.items()}
    result["epr"] = epr_num / epr_den
    return result


def test_vectorised_metrics_equal_the_loop(monkeypatch):
    rng = np.random.default_rng(0)
    m, n = 12, 15
    users, items = np.divmod(rng.choice(m * n, size=70, replace=False), n)
    r = Ratings(users, items, rng.integers(1, 6, size=70).astype(float), m, n)
    train, test = train_test_split(r, 0.4, seed=1)
    S = np.round(rng.normal(size=(m, n)), 1)          # rounded: plenty of ties
    monkeypatch.setattr(metrics, "CHUNK_USERS", 5)   # several chunks of users
    assert ranking_metrics(S, test, train, k=4) == pytest.approx(loop_metrics(S, test, train, 4))


def test_fit_result_and_score_array_agree():
    rng = np.random.default_rng(1)
    model = FitResult(rng.normal(size=(2, 3)), rng.normal(size=(6, 3)), 0.5,
                      rng.normal(size=2), rng.normal(size=6))
    S = np.array([model.scores(u) for u in range(2)])
    assert ranking_metrics(model, TEST, TRAIN, k=2) == pytest.approx(ranking_metrics(S, TEST, TRAIN, k=2))


def test_random_perfect_and_popularity_on_the_implicit_set():
    train, test = train_test_split(load_synthetic("implicit"), 0.2, seed=0)
    random = ranking_metrics(np.random.default_rng(0).random(train.shape), test, train)
    assert abs(random["auc"] - 0.5) < 0.02 and abs(random["epr"] - 0.5) < 0.02
    perfect = test.to_dense(fill=0.0)                 # the test items scored highest
    best = ranking_metrics(perfect, test, train)
    assert best["auc"] == 1.0 and best["ndcg"] == 1.0 and best["map"] == 1.0 and best["recall"] > 0.5
    pop = popularity_baseline(train)
    assert np.array_equal(pop.bi, train.item_counts()) and not np.any(pop.X) and not pop.history["loss"]
    scores = ranking_metrics(pop, test, train)
    assert scores["auc"] > 0.8 and scores["precision"] > 5 * random["precision"]
    assert np.array_equal(pop.recommend(0, 3, exclude=train),
                          [i for i in np.argsort(-train.item_counts(), kind="stable")
                           if i not in set(train.items[train.users == 0])][:3])


BAD = [
    (lambda: precision_at_k(SCORES, TEST, TRAIN, k=0), ValueError, r"k must be an int in \[1, n_items = 6\]"),
    (lambda: precision_at_k(SCORES, TEST, TRAIN, k=7), ValueError, r"k must be an int in \[1, n_items = 6\]"),
    (lambda: ndcg_at_k(SCORES, TEST, TRAIN, k=2.0), TypeError, "k must be an int"),
    (lambda: auc("scores", TEST, TRAIN), TypeError, "model must be a FitResult or an"),
    (lambda: auc(SCORES[:, :5], TEST, TRAIN), ValueError, r"test must have the model's shape \(2, 5\)"),
    (lambda: auc(SCORES, TEST, Ratings([0], [0], [1.0], 3, 6)), ValueError, "train must have the model's shape"),
    (lambda: auc(SCORES, TEST, TEST), ValueError, r"test and train share 3 \(user, item\) pairs"),
    (lambda: auc(SCORES, Ratings([0], [1], [0.0], 2, 6), None), ValueError, "test values must be > 0"),
    (lambda: auc(SCORES, Ratings([], [], [], 2, 6), None), ValueError, "test must contain at least one"),
    (lambda: auc(SCORES, [1, 2], None), TypeError, "test must be an mfedu.data.Ratings"),
    (lambda: auc(np.where(SCORES > 0, np.nan, 0), TEST, None), ValueError, "model must contain only finite"),
    (lambda: auc(SCORES, Ratings([0] * 5, [1, 2, 3, 4, 5], [1.0] * 5, 2, 6), TRAIN), ValueError, "auc is undefined"),
    (lambda: popularity_baseline(SCORES), TypeError, "train must be an mfedu.data.Ratings"),
]


@pytest.mark.parametrize("call, error, message", BAD)
def test_bad_input_gives_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
