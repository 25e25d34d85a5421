"""is_incident and its confidence on texts written for these tests.

``not_incidents/`` holds texts that use security vocabulary without reporting an incident (job
advertisements, course and event announcements, product marketing, opinion, advice, company and
market news). The incident model never trains on them: its written negatives are a separate set in
training/data/not_incidents/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.extraction.classify import classify
from bot.extraction.text import Doc
from training.trainers.types import NEGATIVES, read_text

HERE = Path(__file__).parent / "not_incidents"
TEXTS = sorted(HERE.glob("*.txt"))
# Job advertisements and event announcements: each of them must be rejected (the courses are
# counted in the overall share below: one university programme description still passes).
NAMED_GENRES = ("job_", "conf_")


def _classify(path: Path, with_title: bool = True) -> tuple[bool, float]:
    title, body = read_text(path)
    c = classify(Doc(text=body, title=title if with_title else ""))
    return c.is_incident, c.confidence


def test_the_test_texts_are_not_training_texts() -> None:
    assert len(TEXTS) >= 30
    trained = {p.read_text(encoding="utf-8") for p in NEGATIVES.glob("*.txt")}
    assert not trained & {p.read_text(encoding="utf-8") for p in TEXTS}


@pytest.mark.parametrize("path", [p for p in TEXTS if p.name.startswith(NAMED_GENRES)], ids=lambda p: p.stem)
def test_job_ads_and_event_announcements_are_not_incidents(path: Path) -> None:
    for with_title in (True, False):
        is_incident, confidence = _classify(path, with_title)
        assert not is_incident
        assert confidence < 0.3


def test_most_texts_about_security_are_not_incidents() -> None:
    accepted = [p.stem for p in TEXTS if _classify(p)[0]]
    # a few opinion or company-news pieces read much like reports; at least 75% must be rejected
    assert len(accepted) <= len(TEXTS) // 4, accepted
    # and the model is not sure of them: at most one reaches a probability of one half
    assert sum(_classify(p)[1] >= 0.5 for p in TEXTS) <= 1


INCIDENTS = [
    (
        "Hackers steal customer records from Fernhill Energy",
        "Fernhill Energy said on Monday that hackers stole the names, addresses and bank details of "
        "about 80,000 customers. The attackers accessed a billing database in early March, the company "
        "said, and the breach was discovered during a routine audit. Fernhill has informed the regulator.",
    ),
    (
        "Ransomware attack halts production at Ashgrove Plastics",
        "A ransomware attack encrypted servers at Ashgrove Plastics on Saturday, forcing the firm to stop "
        "production at two plants. The attackers demanded a ransom of 2 million dollars in bitcoin, a "
        "spokesperson told reporters. The company said it has not paid and is restoring from backups.",
    ),
    (
        "Council staff targeted by phishing emails",
        "Staff at Dunmore Borough Council received phishing emails that pretended to come from the payroll "
        "department, the council said. Several employees entered their passwords on a fake login page, "
        "and the attackers used one account to send more messages. The council reset all passwords.",
    ),
    (
        "Researchers find flaw in Velto routers",
        "Researchers at a security firm discovered a vulnerability in Velto home routers that lets a "
        "remote attacker take control of the device. The flaw, tracked as CVE-2031-4411, affects firmware "
        "released before June. Velto said it fixed the bug in a firmware update released on Tuesday.",
    ),
    (
        "",
        "The hospital confirmed that patient records were exposed after a cyberattack last week. Hackers "
        "gained access to an email account and stole files containing the details of 3,000 patients, the "
        "hospital said in a statement. Police are investigating the breach.",
    ),
]


@pytest.mark.parametrize(("title", "text"), INCIDENTS, ids=lambda x: x[:30] if x else "untitled")
def test_written_incident_reports_stay_incidents_with_high_confidence(title: str, text: str) -> None:
    c = classify(Doc(text=text, title=title))
    assert c.is_incident
    assert c.confidence >= 0.5


def test_confidence_ranks_a_report_above_a_job_advert() -> None:
    title, text = INCIDENTS[0]
    report = classify(Doc(text=text, title=title)).confidence
    job = _classify(HERE / "job_security_engineer.txt")[1]
    assert report > job + 0.4
