"""Victims and attackers: names chosen by role cues (sentences written for these tests)."""

from __future__ import annotations

from bot.extraction.entities import extract_attackers, extract_victims
from bot.extraction.mentions import Context
from bot.extraction.schema import IncidentType, Mention
from bot.extraction.text import Doc


def _ctx(text: str, title: str = "") -> Context:
    return Context(doc=Doc(text=text, title=title), types=[IncidentType.DATA_BREACH])


def _texts(ms: list[Mention]) -> list[str]:
    return [m.text for m in ms]


def test_victim_named_by_breach_cue() -> None:
    ctx = _ctx(
        "Brightwater Logistics was hacked last month, the company said on Tuesday. "
        "Customers of Brightwater Logistics were told to change their passwords. "
        "Security firm Kaspersky said the attackers used stolen credentials.",
        title="Brightwater Logistics Suffers Data Breach",
    )
    victims = _texts(extract_victims(ctx))
    assert victims[0] == "Brightwater Logistics"
    assert "Kaspersky" not in victims


def test_victim_evidence_points_at_surface() -> None:
    ctx = _ctx("Attackers breached the Norland County Medical Center on Friday and encrypted its files.")
    m = extract_victims(ctx)[0]
    src = ctx.doc.original(m.evidence.source)
    assert src[m.evidence.start : m.evidence.end] == m.text
    assert "Norland County Medical Center" in m.text


def test_news_outlets_and_researchers_are_not_victims() -> None:
    ctx = _ctx(
        "Reuters reported that Pellmont Bank suffered a ransomware attack. "
        "Jane Okafor, a researcher at Sophos, said the attack was typical. Okafor said more would follow."
    )
    victims = _texts(extract_victims(ctx))
    assert victims
    assert victims[0] == "Pellmont Bank"
    assert not {"Reuters", "Okafor", "Jane Okafor", "Sophos"} & set(victims)


def test_nationality_group_victim() -> None:
    ctx = _ctx("Hundreds of German companies were hit by a phishing campaign that stole banking logins.")
    assert any("German companies" in v for v in _texts(extract_victims(ctx)))


def test_known_threat_actor_is_attacker() -> None:
    ctx = _ctx(
        "Investigators attributed the intrusion to Lazarus Group, which has targeted banks before. "
        "The breach exposed internal emails."
    )
    assert "Lazarus Group" in _texts(extract_attackers(ctx))


def test_nationality_attackers() -> None:
    ctx = _ctx("Officials said Russian hackers broke into the ministry's network and stole documents.")
    assert any("Russian hackers" in a for a in _texts(extract_attackers(ctx)))


def test_attacker_by_group_cue() -> None:
    ctx = _ctx("A hacking group calling itself Silver Jackal claimed responsibility for the attack.")
    assert "Silver Jackal" in _texts(extract_attackers(ctx))


def test_no_names_no_mentions() -> None:
    ctx = _ctx("the company said hackers stole some data. it is investigating.")
    assert extract_victims(ctx) == []
    assert extract_attackers(ctx) == []


def test_large_input_completes() -> None:
    # ~1.8 MB: names are looked for in the scanned prefix only (speed is measured in bench/speed.py)
    unit = "Acme Widgets was hacked by the Shadow Brokers in Ohio, exposing customers of Acme Widgets. "
    ctx = _ctx(unit * 20000)
    # (repeated 20,000 times, the place in every sentence reads as a second victim too)
    assert _texts(extract_victims(ctx))[0] == "Acme Widgets"
    assert "Shadow Brokers" in _texts(extract_attackers(ctx))


def _phishing(text: str, title: str = "") -> Context:
    return Context(doc=Doc(text=text, title=title), types=[IncidentType.PHISHING])


def test_victim_followed_by_location_clause() -> None:
    ctx = _ctx("Harlow Valley Clinic in Dayton, Ohio, was hit by a ransomware attack on Monday.")
    assert _texts(extract_victims(ctx)) == ["Harlow Valley Clinic"]


def test_attack_forces_victim_in_headline() -> None:
    ctx = _ctx(
        "The clinic diverted patients while its systems were restored.",
        title="Ransomware attack forces Harlow Valley Clinic to close its doors",
    )
    assert _texts(extract_victims(ctx)) == ["Harlow Valley Clinic"]


def test_possessive_name_is_kept_whole() -> None:
    ctx = _ctx("Hackers breached Benny's Diner and stole card numbers from Benny's Diner customers.")
    assert _texts(extract_victims(ctx))[0] == "Benny's Diner"


def test_account_owner_not_platform_is_victim() -> None:
    ctx = _ctx(
        "Governor Ray Tolland mocked Mayor Ada Quist after the city's Harbor Transit Authority suffered a "
        "breach. Mr. Tolland wrote on Twitter that Harbor Transit Authority's Twitter account was hijacked."
    )
    victims = _texts(extract_victims(ctx))
    assert victims[0] == "Harbor Transit Authority"
    assert not {"Twitter", "Tolland", "Ray Tolland"} & set(victims)


def test_clipped_name_counts_for_full_name() -> None:
    ctx = _ctx(
        "The Metropolitan Transit Authority suffered a breach on Friday. The Metro said its own "
        "servers were not hacked, and the Metro is investigating."
    )
    assert _texts(extract_victims(ctx)) == ["Metropolitan Transit Authority"]


def test_impersonated_brand_is_not_phishing_victim() -> None:
    ctx = _phishing(
        "Scammers sent emails that appear to come from FedEx, asking recipients to open an attachment. "
        "The emails were targeted at Gmail users in Canada."
    )
    victims = _texts(extract_victims(ctx))
    assert "FedEx" not in victims
    assert "Gmail users" in victims


def test_sentence_initial_word_is_not_a_name() -> None:
    ctx = _ctx("Hackers breached Corvel Freight last week. Unfortunately, the attack hit payroll too.")
    assert "Unfortunately" not in _texts(extract_victims(ctx))


def test_malware_name_is_not_victim() -> None:
    ctx = _ctx("The Grimlock ransomware hit Tessaly Foods on Monday. Grimlock encrypted the company's servers.")
    # a name the text calls ransomware is the tool wherever else it appears
    assert "Grimlock" not in _texts(extract_victims(ctx))


def test_breach_cue_in_plural_is_shared_across_a_list() -> None:
    ctx = _ctx(
        "Criminals sold account data stolen in breaches at Harrow Widgets, Kestrel Games and Tamworth Books. "
        "The buyers used the passwords to take over other accounts."
    )
    victims = _texts(extract_victims(ctx))
    assert set(victims[:3]) == {"Harrow Widgets", "Kestrel Games", "Tamworth Books"}


def test_one_word_speaker_is_not_a_victim() -> None:
    ctx = _ctx(
        "Dellmont Credit Union was hacked and the records of its members were stolen. "
        "Pritchard said the attack could have been stopped. Pritchard wrote that the bank ignored warnings."
    )
    victims = _texts(extract_victims(ctx))
    assert victims == ["Dellmont Credit Union"]


def test_platform_users_are_victims() -> None:
    ctx = _ctx(
        "A malicious app stole banking logins from Android users in Spain. "
        "Android users who installed it should reset their passwords."
    )
    assert "Android users" in _texts(extract_victims(ctx))


def test_title_case_headline_phrase_trimmed_to_body_name() -> None:
    ctx = _ctx(
        "Hackers breached Corvane Outfitters and stole card numbers. Corvane Outfitters said it hired investigators.",
        title="Corvane Outfitters Confirms Card Breach",
    )
    victims = _texts(extract_victims(ctx))
    assert victims == ["Corvane Outfitters"]


def test_organisation_named_in_incident_is_the_fallback_victim() -> None:
    ctx = _ctx(
        "Ransomware encrypted computers at the Pelham Ridge Police Department over the weekend. "
        "Officers kept patrolling while the files were restored from backups."
    )
    assert _texts(extract_victims(ctx)) == ["Pelham Ridge Police Department"]


def test_attacker_group_is_not_also_a_victim() -> None:
    ctx = _ctx(
        "The Shattered Lantern hacking group claimed the attack on Ostrava Freight. "
        "Ostrava Freight said its servers were hit. Shattered Lantern posted the stolen files."
    )
    assert "Shattered Lantern" in _texts(extract_attackers(ctx))
    assert "Shattered Lantern" not in _texts(extract_victims(ctx))


def test_list_introduced_by_a_breach_cue_names_every_victim() -> None:
    # each name is mentioned once, below the threshold on its own; the cue before the list
    # ("breaches including") says they are all victims
    ctx = _ctx(
        "The seller also offered data from other breaches including Fernvale Games, Quarry Lane Books, "
        "Ostmark Travel and Bellwood Radio. Buyers paid in bitcoin."
    )
    victims = _texts(extract_victims(ctx))
    assert {"Fernvale Games", "Quarry Lane Books", "Ostmark Travel", "Bellwood Radio"} <= set(victims)


def test_platforms_and_formats_are_not_victims_but_their_users_are() -> None:
    ctx = _ctx(
        "Emails with PDF attachments infected Windows computers at Harlow Freight, which was breached in May. "
        "The PDF exploited a flaw. Windows users were targeted."
    )
    victims = _texts(extract_victims(ctx))
    assert {"Harlow Freight", "Windows users"} <= set(victims)
    assert "PDF" not in victims
    assert "Windows" not in victims


def test_money_and_glued_words_are_not_names() -> None:
    # an amount with a currency code glued on, and two words run together where a page lost a
    # space, are capitalized tokens next to victim cues, but not names
    for text, junk in [
        ("The ransomware attack on Selkirk Media cost RM26m. RM26m was lost in the attack.", "RM26m"),
        ("The RM26m breach at Selkirk Media was the largest this year. Selkirk Media was hacked in May.", "RM26m"),
        (
            "Selkirk Media was hacked. The attack hit the firm's servers and exposed a flaw in its "
            "bugThe company said customers of bugThe were told.",
            "bugThe",
        ),
    ]:
        victims = _texts(extract_victims(_ctx(text)))
        assert victims[0] == "Selkirk Media"
        assert junk not in victims


def test_organisation_named_by_place_and_kind() -> None:
    ctx = _ctx("Ransomware locked the computers of an Ohio hospital on Sunday, and the hospital paid the ransom.")
    assert any("Ohio hospital" in v for v in _texts(extract_victims(ctx)))


def test_a_count_before_a_national_group_cues_the_victims() -> None:
    ctx = _ctx("The breach exposed the records of 12 million U.S. consumers, according to the filing.")
    assert any("U.S. consumers" in v for v in _texts(extract_victims(ctx)))


def test_capital_inside_a_sentence_case_headline_marks_a_name() -> None:
    # in the body the name only ever starts a sentence, like "Fortunately" would
    body = "Tallowby said the records were removed. Tallowby apologised to its customers."
    title = "Furniture retailer Tallowby exposes shopper records in open database"
    names = _texts(extract_victims(_ctx(body, title=title)))
    assert names == ["Tallowby"]
    # a Title Case headline, or the first word of a headline part, proves nothing
    for title in ("Retailer Tallowby Exposes Shopper Records", "Shop news: Tallowby exposes shopper records"):
        assert "Tallowby" not in _texts(extract_victims(_ctx(body, title=title)))


def test_organisation_that_left_its_data_open_is_the_victim() -> None:
    ctx = _ctx(
        "Security researchers found that Tallowby Home, a furniture retailer based in Leeds, left a database "
        "of customer records exposed to anyone. The data included names and addresses."
    )
    assert _texts(extract_victims(ctx)) == ["Tallowby Home"]


def test_security_firms_named_by_place_and_kind_are_not_victims() -> None:
    for firm in ("cybersecurity firm", "cyber-security company", "infosec firm", "security company"):
        ctx = _ctx(
            f"Hackers breached Harlow Freight and stole customer data. A Russian {firm} said the attack was typical."
        )
        assert _texts(extract_victims(ctx)) == ["Harlow Freight"], firm


def test_camel_case_names_are_names() -> None:
    ctx = _ctx("Hackers breached BuildThis and stole source code. BuildThis was hacked through a stolen password.")
    assert _texts(extract_victims(ctx)) == ["BuildThis"]


def test_a_verb_after_a_name_is_no_product_noun() -> None:
    from bot.extraction.role_cues import PRODUCT_RIGHT

    # "Chrome extensions", "Acme 4.2 update": the product, not its maker
    assert PRODUCT_RIGHT.match(" extensions were removed")
    assert PRODUCT_RIGHT.match(" 4.2 update fixes it")
    # "X updates customers", "X patches servers", "X exploits": verbs with X as their subject
    for after in (" updates customers", " patches its servers", " exploits a flaw"):
        assert PRODUCT_RIGHT.match(after) is None, after


def test_a_clipped_name_in_the_headline_shows_the_full_name() -> None:
    ctx = _ctx(
        "Patient records at Tarnby Hospital were accessed by staff without reason. Tarnby Hospital "
        "apologised to patients.",
        title="Police look into data breach at Tarnby after staff accessed patient records",
    )
    assert _texts(extract_victims(ctx)) == ["Tarnby Hospital"]


# --- names whole, roles right (the failure patterns found by reading held-out cards) -------------


def test_a_name_always_written_with_its_s_keeps_it() -> None:
    ctx = _ctx(
        "Hackers breached the payment systems of McDonald's and stole card numbers, McDonald's said on Friday.",
        title="McDonald's payment systems breached",
    )
    assert "McDonald's" in _texts(extract_victims(ctx))
    assert "McDonald" not in _texts(extract_victims(ctx))


def test_the_researcher_who_found_a_leak_is_not_its_victim() -> None:
    ctx = _ctx(
        "Security researcher Dana Whitcombe of Orbis Labs found that Tallowby Home left a database of customer "
        "records exposed to anyone. Whitcombe said the records included names and addresses. Tallowby Home "
        "secured the database after Orbis Labs contacted it.",
        title="Tallowby Home exposes customer records",
    )
    victims = _texts(extract_victims(ctx))
    assert victims[0] == "Tallowby Home"
    assert "Orbis Labs" not in victims
    assert "Dana Whitcombe" not in victims


def test_unnamed_anonymous_hackers_are_not_the_group_anonymous() -> None:
    ctx = _ctx(
        "Anonymous hackers broke into the payroll system of Redwick County and stole the bank details of "
        "employees, the county said. The county has not identified the attackers.",
        title="Hackers steal Redwick County payroll data",
    )
    assert "Anonymous" not in _texts(extract_attackers(ctx))


def test_group_calling_itself_is_attacker() -> None:
    ctx = _ctx("The attackers, a criminal group calling itself Velvet Otter, demanded a ransom after the breach.")
    assert _texts(extract_attackers(ctx))[0] == "Velvet Otter"
    ctx = _ctx("Hackers known as Copper Heron stole the files of Tamworth Books last week.")
    assert _texts(extract_attackers(ctx))[0] == "Copper Heron"
    assert "Copper Heron" not in _texts(extract_victims(ctx))


def test_a_leaking_system_is_not_the_attacker() -> None:
    ctx = _ctx(
        "An unsecured API at Corvel Health leaked the records of 2M customers, security researcher Dana "
        "Whitfield found. The Corvel Health API exposed names and insurance numbers for months.",
        title="Corvel Health API leaks customer records",
    )
    attackers = _texts(extract_attackers(ctx))
    assert not any("API" in a or "Corvel" in a or "Whitfield" in a for a in attackers)
    assert "Corvel Health" in _texts(extract_victims(ctx))


def test_a_short_paste_names_the_organisation_a_harm_is_done_to() -> None:
    # Two-sentence pastes: the learned scorer alone leaves these cards without a victim.
    cases = {
        "Fenwick Tooling lost $640,000 after criminals sent fake invoices by email. "
        "Police are investigating the scam.": "Fenwick Tooling",
        "The Quartzlock ransomware hit Brookfield Dental on Monday, encrypting patient files. "
        "The clinic said backups were intact.": "Brookfield Dental",
        "Hackers breached Tallis Insurance and stole customer records. The insurer has told regulators.": (
            "Tallis Insurance"
        ),
    }
    for text, victim in cases.items():
        assert _texts(extract_victims(_ctx(text))) == [victim], text


def test_a_stated_victim_is_never_a_place_or_the_attacker() -> None:
    ctx = _ctx(
        "Ohio was hit by a wave of phishing emails this week. A group calling itself Grey Heron "
        "was hit with sanctions after the campaign."
    )
    victims = _texts(extract_victims(ctx))
    assert "Ohio" not in victims
    assert "Grey Heron" not in victims
