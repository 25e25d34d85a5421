"""classify(): incident types, is_incident and confidence, on text written for these tests."""

from __future__ import annotations

import pytest

from bot.extraction.classify import classify
from bot.extraction.schema import IncidentType
from bot.extraction.text import Doc

T = IncidentType


def _cls(text: str, title: str = "") -> tuple[list[IncidentType], bool, float]:
    c = classify(Doc(text=text, title=title))
    return c.types, c.is_incident, c.confidence


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        (
            "Retailer says hackers stole customer data",
            "Northwind Stores said hackers stole the names, addresses and card numbers of 40,000 "
            "customers in a data breach discovered last week. The attackers accessed a database "
            "through a compromised vendor account. The company has notified regulators.",
            T.DATA_BREACH,
        ),
        (
            "Ransomware attack shuts down county systems",
            "A ransomware attack encrypted files on servers at Elm County, and the attackers "
            "demanded a ransom of 20 bitcoins. Officials said they would not pay the ransom. "
            "Cybersecurity staff are restoring systems from backups.",
            T.RANSOMWARE,
        ),
        (
            "Phishing emails impersonate tax office",
            "Scammers are sending phishing emails that pretend to be from the tax office to trick "
            "people into entering their bank details on a fake website. The messages claim a refund "
            "is waiting. Several victims lost money to the scam.",
            T.PHISHING,
        ),
        (
            "Researchers find flaw in smart lock firmware",
            "Security researchers discovered a vulnerability in the firmware of the Brightlock smart "
            "lock that could allow an attacker to open the lock over Bluetooth. The flaw affects all "
            "versions shipped before May. The researchers disclosed the bug to the vendor.",
            T.VULNERABILITY,
        ),
        (
            "Vendor releases security update for mail server",
            "Corvid Software has released a security update that fixes a critical bug in its mail "
            "server. Administrators should install version 4.2.1, which patches the issue. The "
            "patch is available for all supported releases.",
            T.PATCH,
        ),
        (
            "City's official social media accounts hijacked",
            "The city council said its official Twitter account was hijacked on Sunday and used to "
            "post unauthorized messages. Staff lost control of the account for two hours before the "
            "platform restored access. The council said no other systems were breached.",
            T.ACCOUNT_COMPROMISE,
        ),
        (
            "Gaming network knocked offline by DDoS attack",
            "A distributed denial-of-service attack flooded the servers of a gaming network with "
            "traffic, knocking it offline for six hours. The DDoS attack peaked at 300 Gbps, the "
            "company said, and a botnet of hacked routers was behind it.",
            T.DDOS,
        ),
        (
            "Hackers deface university website",
            "Hackers defaced the homepage of a regional university on Monday, replacing it with a "
            "political message. The university said the defacement lasted an hour and that no "
            "student data was accessed.",
            T.DEFACEMENT,
        ),
    ],
)
def test_primary_type(title: str, text: str, expected: IncidentType) -> None:
    types, is_incident, confidence = _cls(text, title)
    assert types[0] is expected
    assert is_incident
    assert 0.3 <= confidence <= 1.0


def test_short_ddos_report_is_an_incident() -> None:
    # the incident model cannot judge types it has no event counts for: the rule gate decides them
    _, is_incident, _ = _cls(
        "A distributed denial-of-service attack flooded the servers of a ticket seller with traffic, "
        "knocking its website offline for a day. The DDoS attack came from a botnet, the firm said.",
        "Ticket seller knocked offline by DDoS attack",
    )
    assert is_incident


@pytest.mark.parametrize(
    "text",
    [
        "Preheat the oven to 200 degrees. Mix the flour, butter and sugar, then bake the shortbread "
        "for 20 minutes until golden. Leave it to cool before cutting.",
        "The home side scored twice in the second half to win the derby. Their striker was exposed "
        "to heavy tackling all afternoon but kept his composure, and the coach praised the defence.",
        "Voters go to the polls on Sunday in an election that the opposition leader called a "
        "turning point. Leaked polling suggests a close race, and a campaign official said the "
        "party would accept the result.",
        "Doctors said the patient had been exposed to the virus at work and the infection spread "
        "quickly. The hospital has since traced every contact.",
    ],
)
def test_not_an_incident(text: str) -> None:
    _, is_incident, confidence = _cls(text)
    assert not is_incident
    assert confidence < 0.3


def test_vulnerability_and_patch_listed_together() -> None:
    types, _, _ = _cls(
        "Researchers found a remote code execution vulnerability in the Quill text editor that could "
        "allow attackers to run arbitrary code. The flaw, tracked as CVE-2031-0001, affects version "
        "3. The developers released a patch on Tuesday and urged users to update.",
        "Critical flaw found in Quill editor",
    )
    assert set(types[:2]) == {T.VULNERABILITY, T.PATCH}


def test_advice_weighs_less_than_events() -> None:
    """A how-to piece about phishing with one past breach mention is about phishing."""
    types, _, _ = _cls(
        "Phishing remains the most common way in. You should never click links in unexpected "
        "emails, and you should check the sender. Phishing messages often impersonate banks. "
        "If you are unsure, call the bank. Last year one firm suffered a breach after a phishing "
        "email.",
        "How to spot a phishing email",
    )
    assert types[0] is T.PHISHING


def test_empty_and_deterministic() -> None:
    assert classify(Doc(text="")).is_incident is False
    text = "Hackers stole passwords in a data breach at a bank. The breach exposed customer data."
    assert classify(Doc(text=text)) == classify(Doc(text=text))


def test_large_text_is_classified() -> None:
    # its speed is measured in bench/speed.py (worst-case inputs), not timed here
    text = "Hackers stole the passwords of customers in a data breach. " * 35000  # ~2 MB
    result = classify(Doc(text=text))
    assert result.is_incident
    assert result.types[0].value == "data_breach"


def test_patch_story_counts_fix_mentions_not_flaw_nouns() -> None:
    """The flaw is named in every sentence, but what the story reports, again and again, is the fix."""
    types, is_incident, _ = _cls(
        "Ostrander Systems has patched three vulnerabilities in its Harbor file-sharing server. The "
        "vendor released version 9.4, which fixed a critical flaw in the upload handler and addressed "
        "two lesser vulnerabilities in the admin panel. The update is available for all supported "
        "releases, and the company said it has also issued fixes for the older 8.x branch. Customers "
        "who applied the patch are protected from the security flaws, Ostrander said. The critical "
        "vulnerability, a remote code execution flaw, could allow attackers to take over the server.",
        "Ostrander patches critical flaws in Harbor server",
    )
    assert is_incident
    assert types[0] is T.PATCH
    assert T.VULNERABILITY in types


def test_secondary_type_needs_only_a_couple_of_event_mentions() -> None:
    """A breach story whose attackers also demanded a ransom lists ransomware too."""
    types, _, _ = _cls(
        "Hackers stole the records of 120,000 patients from Lindenfeld Clinic in a data breach, the "
        "clinic said on Friday. The attackers accessed a file server and copied names, dates of birth "
        "and insurance numbers. The stolen data was later posted on a forum. The group demanded a "
        "ransom of 50 bitcoins, and the clinic said it has refused to pay.",
        "Clinic confirms patient data breach",
    )
    assert types[0] is T.DATA_BREACH
    assert T.RANSOMWARE in types


def test_account_takeover_leads_over_counted_breach_events() -> None:
    """Event counts rank the main types; a specific side type is still compared on its cues."""
    types, _, _ = _cls(
        "The museum said its official Twitter account was hijacked overnight and used to post "
        "unauthorized messages. Staff lost control of the account for six hours. The museum said no "
        "visitor data was stolen and that the breach was limited to the social media account.",
        "Museum's Twitter account hijacked",
    )
    assert types[0] is T.ACCOUNT_COMPROMISE


def test_an_update_that_addresses_flaws_is_a_patch_story() -> None:
    # "addresses" is the patch event here (not "e-mail addresses"), and it leads the story
    types, is_incident, _ = _cls(
        "Orbitfile's security update addresses two vulnerabilities in its file server. "
        "Researchers discovered the flaws in May. Orbitfile released the update on Tuesday. "
        "One flaw was found in the login page.",
        title="Orbitfile security update",
    )
    assert is_incident
    assert types[:2] == [T.PATCH, T.VULNERABILITY]


def test_gaining_access_and_obtaining_data_is_a_breach_even_after_phishing() -> None:
    types, _, _ = _cls(
        "Attackers gained unauthorized access to systems at Lowmoor Insurance after an employee opened a "
        "phishing email. The intruders were able to obtain policyholder names and dates of birth. "
        "The phishing message looked like an invoice from a supplier.",
        title="Insurer reports security incident",
    )
    assert types[:2] == [T.DATA_BREACH, T.PHISHING]


def test_one_phrase_is_one_event_mention_however_many_trigger_words_start_it() -> None:
    from bot.extraction.classify import _COMPILED, _FIRST_EVENT, _scan

    def breach_events(text: str) -> int:
        hits = _scan(text, with_events=True)
        return sum(1 for i, _ in hits.cues if i >= _FIRST_EVENT and _COMPILED[i][0] is T.DATA_BREACH)

    # "gained" and "unauthorized" both start the access pattern, which ends on the same word
    assert breach_events("the intruders gained unauthorized access to the server") == 1
    assert breach_events("they gained access and later gained access again") == 2


def test_email_addresses_next_to_a_flaw_are_no_patch_event() -> None:
    types, _, _ = _cls(
        "Researchers discovered a vulnerability in the Orbitfile mail server that exposes the email "
        "addresses of every user. The flaw was found in May and has not been fixed.",
        title="Flaw in Orbitfile mail server",
    )
    assert types[0] is T.VULNERABILITY
    assert T.PATCH not in types[:1]


def _events(text: str, title: str = "") -> dict[IncidentType, float]:
    return classify(Doc(text=text, title=title)).events


def test_messages_coming_from_a_spoofed_sender_are_a_phishing_event() -> None:
    text = (
        "Nobody at Brightvale Bank noticed anything odd at first. Later that day, customers got phishing "
        "e-mails. The messages said they were coming from the bank's fraud team."
    )
    without = text.replace("were coming from", "were from")
    assert _events(text)[T.PHISHING] == _events(without)[T.PHISHING] + 1.0
    # "coming" alone is no event ("in the coming weeks")
    assert _events(without + " More are expected in the coming weeks.") == _events(without)


def test_adjacent_event_words_of_one_type_are_one_mention() -> None:
    lead = "Nobody at Brightvale Clinic noticed anything odd at first. Staff later said little about it. "
    assert _events(lead + "The clinic refused the ransom demand.")[T.RANSOMWARE] == 1.0
    # the same words in two sentences are two mentions
    assert _events(lead + "The clinic refused the ransom. Demand letters kept coming.")[T.RANSOMWARE] == 2.0


def test_a_type_named_often_but_never_reported_yields_to_a_reported_event() -> None:
    # ransomware is the topic (named four times) but only the flaw's discovery is reported
    types, _, _ = _cls(
        "Ransomware is a growing business. The Corvane ransomware and other ransomware families "
        "spread through e-mail. Analysts at Brightvale say ransomware keeps evolving. "
        "A researcher discovered a vulnerability in the Corvane control server last week.",
        title="Corvane ransomware",
    )
    assert types[0] is T.VULNERABILITY
