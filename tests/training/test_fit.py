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
