"""Affected counts, compromised data, financial losses and ransom demands: the candidates
bot/extraction/numbers.py and bot/extraction/data_types.py find, kept or dropped by learned scorers.
Affected counts have no scorer: a learned one scored below the cue rule by cross-validation."""

from __future__ import annotations

from bot.extraction import data_types, numbers
from training.trainers.base import BinaryTrainer, Trainer

TRAINERS: list[Trainer] = [
    BinaryTrainer(data_types.DATA_MODEL, "compromised_data", data_types.candidates),
    BinaryTrainer(numbers.DAMAGE_MODEL, "damage", numbers.damage_candidates),
    BinaryTrainer(numbers.RANSOM_MODEL, "ransom_amount", numbers.ransom_candidates),
]
