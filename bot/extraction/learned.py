"""Learned scorers at run time: linear models over hashed features, loaded from weight files.

The fast candidate finders of each field describe every candidate with named features ("a victim
cue right after it", "in the headline", "a known security firm"...). A model turns those features
into a probability with weights learned from annotated articles (``training/``, scikit-learn's
logistic regression; 5-fold cross-validated, see docs/quality.md). Here there is no learning at
all: a dot product and a sigmoid (or a softmax for the type model).

Feature names are hashed (CRC-32, deterministic across processes and platforms) into a fixed
number of buckets, so a weight file holds numbers only — never a word of the articles it was
trained on — and an unseen feature simply weighs nothing.

Model files live in ``bot/extraction/models/`` (package data), are small JSON, load in
milliseconds, and are read once per process. ``ModelSet`` lets the training harness score an
article with the models of one cross-validation fold instead of the shipped ones.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

# 2**18 buckets: thousands of distinct features per field, so collisions are rare and harmless.
FEATURE_BITS = 18
_BUCKETS = 1 << FEATURE_BITS

Features = Mapping[str, float]


@lru_cache(maxsize=262_144)
def bucket(feature: str) -> int:
    """The bucket a feature name hashes to (the same on every machine and in every process)."""
    return zlib.crc32(feature.encode("utf-8")) & (_BUCKETS - 1)


def _dot(weights: Mapping[int, float], features: Features) -> float:
    return sum(weights.get(bucket(name), 0.0) * value for name, value in features.items())


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class LinearModel:
    """Logistic regression: P(yes | features) = sigmoid(w · x + b); yes when P >= threshold."""

    name: str
    weights: Mapping[int, float]
    bias: float
    threshold: float

    def probability(self, features: Features) -> float:
        return _sigmoid(_dot(self.weights, features) + self.bias)

    def accepts(self, features: Features) -> bool:
        return self.probability(features) >= self.threshold


@dataclass(frozen=True)
class SoftmaxModel:
    """Multinomial logistic regression over ``classes``."""

    name: str
    classes: tuple[str, ...]
    weights: tuple[Mapping[int, float], ...]
    biases: tuple[float, ...]

    def probabilities(self, features: Features) -> dict[str, float]:
        scores = [_dot(w, features) + b for w, b in zip(self.weights, self.biases, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}


Model = LinearModel | SoftmaxModel


def _sparse(raw: Mapping[str, float]) -> dict[int, float]:
    return {int(k): float(v) for k, v in raw.items()}


def from_json(data: Mapping[str, Any]) -> Model:
    """A model from its file's content (see ``to_json``)."""
    if data.get("format") != "incident-bot-linear-1" or data.get("feature_bits") != FEATURE_BITS:
        raise ValueError(f"not a model file this version can read: {data.get('format')!r}")
    if data["kind"] == "softmax":
        return SoftmaxModel(
            name=data["name"],
            classes=tuple(data["classes"]),
            weights=tuple(_sparse(w) for w in data["weights"]),
            biases=tuple(float(b) for b in data["biases"]),
        )
    return LinearModel(
        name=data["name"],
        weights=_sparse(data["weights"]),
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
    )


def _rounded(weights: Mapping[int, float]) -> dict[str, float]:
    # Six significant digits keep the files small and the output the same as with full precision
    # for all practical purposes; sorted keys make the file byte-for-byte reproducible.
    return {str(k): float(f"{v:.6g}") for k, v in sorted(weights.items()) if abs(v) >= 1e-6}


def to_json(model: Model) -> dict[str, Any]:
    """The content of a model file: format, kind, name, weights by bucket, bias(es), threshold."""
    base: dict[str, Any] = {"format": "incident-bot-linear-1", "feature_bits": FEATURE_BITS, "name": model.name}
    if isinstance(model, SoftmaxModel):
        return base | {
            "kind": "softmax",
            "classes": list(model.classes),
            "weights": [_rounded(w) for w in model.weights],
            "biases": [float(f"{b:.6g}") for b in model.biases],
        }
    return base | {
        "kind": "linear",
        "weights": _rounded(model.weights),
        "bias": float(f"{model.bias:.6g}"),
        "threshold": float(f"{model.threshold:.6g}"),
    }


def dumps(model: Model) -> str:
    return json.dumps(to_json(model), sort_keys=True, separators=(",", ":")) + "\n"


class ModelSet:
    """The models the extraction core scores with, by name."""

    def __init__(self, models: Iterable[Model]) -> None:
        self._models = {m.name: m for m in models}

    def linear(self, name: str) -> LinearModel:
        model = self._models.get(name)
        if not isinstance(model, LinearModel):
            raise LookupError(f"no linear model {name!r} (run training/train.py)")
        return model

    def softmax(self, name: str) -> SoftmaxModel:
        model = self._models.get(name)
        if not isinstance(model, SoftmaxModel):
            raise LookupError(f"no softmax model {name!r} (run training/train.py)")
        return model

    def has(self, name: str) -> bool:
        return name in self._models

    @property
    def names(self) -> list[str]:
        return sorted(self._models)

    @classmethod
    def from_dir(cls, path: Path) -> ModelSet:
        return cls(from_json(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(path.glob("*.json")))


MODELS_PACKAGE = "bot.extraction.models"


@lru_cache(maxsize=1)
def shipped() -> ModelSet:
    """The models that ship in the package (read once per process)."""
    files = resources.files(MODELS_PACKAGE)
    return ModelSet(
        from_json(json.loads(f.read_text(encoding="utf-8")))
        for f in sorted(files.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".json")
    )
