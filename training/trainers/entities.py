"""Victims and attackers: the names and groups bot/extraction/entities.py finds."""

from __future__ import annotations

from bot.extraction import entities
from training.trainers.base import BinaryTrainer, Trainer

TRAINERS: list[Trainer] = [
    BinaryTrainer("victims", "victims", entities.victim_candidates, lead_copies=3),
    BinaryTrainer("attackers", "attackers", entities.attacker_candidates, lead_copies=3),
]
