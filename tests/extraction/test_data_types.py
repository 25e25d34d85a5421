"""extract_compromised_data(): what data was taken or exposed, on text written for these tests."""

from __future__ import annotations

from bot.extraction.data_types import extract_compromised_data
from bot.extraction.mentions import Context
from bot.extraction.schema import IncidentType
from bot.extraction.text import Doc

T = IncidentType


def _data(text: str, title: str = "", primary: IncidentType = T.DATA_BREACH) -> list[str]:
    doc = Doc(text=text, title=title)
    return [m.text for m in extract_compromised_data(Context(doc=doc, types=[primary]))]


def test_list_is_split_into_items() -> None:
    got = _data(
        "The attackers stole names, addresses and Social Security numbers of 12,000 patients "
        "from the clinic's billing system."
    )
    assert got == ["names", "addresses", "Social Security numbers"]


def test_modifiers_are_kept() -> None:
    got = _data("Hackers obtained payment card information and login credentials from the shop.")
    assert "payment card information" in got
    assert "login credentials" in got


def test_passive_exposure() -> None:
    got = _data("Email addresses and hashed passwords were exposed when a server was left open.")
    assert got == ["Email addresses", "hashed passwords"]


def test_including_list() -> None:
    got = _data(
        "The breach affected 3,000 employees, and the files included dates of birth, phone numbers "
        "and bank account numbers."
    )
    assert got == ["dates of birth", "phone numbers", "bank account numbers"]


def test_bare_generic_word_is_not_a_data_type() -> None:
    # a data type says what data: "data" or "the entire database" alone does not
    assert _data("The hacker leaked the entire database online.") == []
    assert _data("Intruders stole data and information from the lender.") == []
    assert _data("The company said data is important and information matters.") == []


def test_headline_verb_is_not_the_owner_of_the_data() -> None:
    got = _data("", title="Pellucid Bank Leaks Data Of Customers")
    assert got == []


def test_magnitude_suffix_stays_with_its_number() -> None:
    got = _data("Hackers stole 2M customer records and 1.5bn email addresses from Quillon Retail.")
    assert got == ["customer records", "email addresses"]


def test_evidence_points_at_the_text() -> None:
    text = "Intruders stole customer records and credit card numbers."
    doc = Doc(text=text)
    for m in extract_compromised_data(Context(doc=doc, types=[T.DATA_BREACH])):
        assert m.evidence.source == "text"
        assert text[m.evidence.start : m.evidence.end] == m.text


def test_advice_is_not_loot() -> None:
    assert _data("Users should change their passwords and never reuse credentials.") == []


def test_phishing_lure_is_not_loot() -> None:
    got = _data(
        "Scammers sent emails that asked staff to confirm their passwords on a fake page. The "
        "criminals then stole the login credentials of 40 employees.",
        primary=T.PHISHING,
    )
    assert got == ["login credentials"]


def test_no_cue_no_data() -> None:
    assert _data("The phone numbers and addresses of branches are listed on the website.") == []


def test_large_text_gives_the_same_items() -> None:
    # its speed is measured in bench/speed.py (worst-case inputs), not timed here
    text = "Hackers stole the passwords and Social Security numbers of Acme customers. " * 27000
    got = _data(text)
    assert got == ["passwords", "Social Security numbers"]


def test_a_hijacked_account_is_what_an_account_takeover_took() -> None:
    # the data model learned from CASIE's five types; an account takeover keeps the rule's reading
    got = _data(
        "Hackers hijacked the Twitter account of Harbor Transit Authority and posted fake alerts.",
        primary=T.ACCOUNT_COMPROMISE,
    )
    assert "Twitter account" in got


def test_a_name_before_a_participle_is_not_the_owner_of_the_data() -> None:
    got = _data("An exposed API leaked records of Corvel Health patients, including insurance numbers.")
    assert not any(g.startswith(("API", "An exposed", "exposed API")) for g in got)
    got = _data("Hackers stole Pembrook customer records, the bank said.")
    assert "Pembrook customer records" in got
