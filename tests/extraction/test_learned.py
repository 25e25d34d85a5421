"""The learned scorers' run time: hashed features, weight files, the shipped model set."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from bot.extraction.learned import (
    FEATURE_BITS,
    LinearModel,
    ModelSet,
    SoftmaxModel,
    bucket,
    dumps,
    from_json,
    shipped,
)
from tests.conftest import ROOT


def test_a_feature_hashes_to_the_same_bucket_in_every_process() -> None:
    # Python's own hash() is salted per process; the buckets must not be
    here = [bucket(name) for name in ("cue", "left:c0", "last:hospital", "é")]
    code = (
        "from bot.extraction.learned import bucket; "
        "print([bucket(n) for n in ('cue', 'left:c0', 'last:hospital', 'é')])"
    )
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert other.stdout.strip() == str(here)
    assert all(0 <= b < 2**FEATURE_BITS for b in here)


def test_a_linear_model_is_a_sigmoid_of_its_weighted_features() -> None:
    model = LinearModel(name="m", weights={bucket("a"): 2.0, bucket("b"): -1.0}, bias=0.5, threshold=0.6)
    z = 2.0 * 1.0 - 1.0 * 3.0 + 0.5
    assert model.probability({"a": 1.0, "b": 3.0}) == pytest.approx(1 / (1 + math.exp(-z)))
    assert model.probability({"unknown": 5.0}) == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert model.accepts({"a": 2.0})
    assert not model.accepts({"b": 2.0})
    assert model.probability({"a": 1000.0}) == pytest.approx(1.0)  # no overflow either way
    assert model.probability({"b": 1000.0}) == pytest.approx(0.0)


def test_a_softmax_model_gives_a_distribution() -> None:
    model = SoftmaxModel(
        name="t", classes=("x", "y"), weights=({bucket("f"): 1.0}, {bucket("f"): -1.0}), biases=(0.0, 0.0)
    )
    p = model.probabilities({"f": 2.0})
    assert sum(p.values()) == pytest.approx(1.0)
    assert p["x"] == pytest.approx(math.exp(2) / (math.exp(2) + math.exp(-2)))


def test_a_model_file_round_trips_and_holds_numbers_only() -> None:
    model = LinearModel(name="victims", weights={bucket("last:hospital"): 0.1234567891}, bias=-1.5, threshold=0.3)
    text = dumps(model)
    assert "hospital" not in text  # feature names never reach the file
    again = from_json(json.loads(text))
    assert isinstance(again, LinearModel)
    assert again.probability({"last:hospital": 1.0}) == pytest.approx(model.probability({"last:hospital": 1.0}))
    assert dumps(again) == text  # rewriting a file changes nothing


def test_a_file_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="not a model file"):
        from_json({"format": "something-else", "feature_bits": FEATURE_BITS})
    with pytest.raises(ValueError, match="not a model file"):
        from_json({"format": "incident-bot-linear-1", "feature_bits": FEATURE_BITS + 1})


def test_the_shipped_models_load_and_a_missing_one_says_how_to_get_it() -> None:
    models = shipped()
    assert {"victims", "attackers"} <= set(models.names)
    assert models.linear("victims").threshold > 0
    with pytest.raises(LookupError, match=r"training/train\.py"):
        ModelSet([]).linear("victims")
