"""The decision threshold chosen from out-of-fold probabilities."""

from __future__ import annotations

from training.fit import best_threshold


def test_the_cut_that_maximizes_f1() -> None:
    # two positives above two negatives: cutting after the second keeps both and nothing else
    assert best_threshold([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.2]) == 0.8


def test_a_cut_keeps_every_candidate_of_its_probability() -> None:
    # a cut at 0.7 keeps all three candidates of 0.7 (F1 0.67, no better than cutting at 0.9);
    # judged after the first of them only, it looked perfect (F1 1.0)
    labels = [1, 1, 0, 0]
    probs = [0.9, 0.7, 0.7, 0.7]
    assert best_threshold(labels, probs) == 0.9
    assert best_threshold([1, 0, 1, 0], [0.7, 0.7, 0.7, 0.7]) == 0.7


def test_no_positives_keeps_the_default() -> None:
    assert best_threshold([0, 0], [0.4, 0.6]) == 0.5


def test_the_model_check_tolerates_rounding_only() -> None:
    from training.train import difference

    shipped = {"bias": -1.5, "threshold": 0.25, "weights": {"1": 0.5, "2": -0.25}, "name": "victims"}
    assert difference(shipped, shipped) is None
    rounding = {**shipped, "weights": {"1": 0.50009, "2": -0.25}}
    assert difference(shipped, rounding) is None
    moved = {**shipped, "weights": {"1": 0.51, "2": -0.25}}
    assert difference(shipped, moved) == "weights.1: 0.5 shipped, 0.51 rebuilt"
    assert difference(shipped, {**shipped, "weights": {"1": 0.5}}) is not None  # a feature lost
    assert difference(shipped, {**shipped, "name": "attackers"}) == "name: 'victims' shipped, 'attackers' rebuilt"
    assert difference(shipped, {**shipped, "threshold": 0.3}) == "threshold: 0.25 shipped, 0.3 rebuilt"
