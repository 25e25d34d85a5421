"""Trainers of this area (none yet: its extractors are rules)."""

from __future__ import annotations

from training.trainers.base import Trainer

TRAINERS: list[Trainer] = []
