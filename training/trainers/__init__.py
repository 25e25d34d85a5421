"""Every learned scorer's trainer, in the order they are trained and written.

Each area of the extraction core has its own module with a ``TRAINERS`` list; a trainer turns an
annotated article into examples (its candidates, labelled with the CASIE scorer's own matching
rule) and examples into a model. Candidate features never depend on another model's output, so the
examples of all articles are computed once and every cross-validation fold reuses them.
"""

from __future__ import annotations

from training.trainers import data_numbers, entities, places_dates, products_vuln, types
from training.trainers.base import BinaryTrainer, Trainer

TRAINERS: tuple[Trainer, ...] = (
    *types.TRAINERS,
    *entities.TRAINERS,
    *places_dates.TRAINERS,
    *data_numbers.TRAINERS,
    *products_vuln.TRAINERS,
)

__all__ = ["TRAINERS", "BinaryTrainer", "Trainer"]
