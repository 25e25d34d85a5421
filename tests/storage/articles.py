"""Articles written for these tests (fictional companies and events), never third-party text."""

from __future__ import annotations


def breach_notice(company: str, city: str, records: str) -> str:
    """A templated breach announcement: the same words for any company, as PR wires publish them."""
    return f"""{company} said on Tuesday that an unauthorized party gained access to a customer database
and copied personal information belonging to {records} people. The company, which is based in {city},
discovered unusual activity on its network on March 3 and immediately engaged outside forensic
specialists to investigate. According to the statement, the exposed information includes names,
postal addresses, dates of birth and in some cases driver's license numbers. Payment card data was
stored on separate systems and was not affected, the company said. {company} has notified law
enforcement and the relevant data protection regulators, and it is offering affected customers two
years of free credit monitoring. A spokesperson declined to say how the intruders got in or whether a
ransom had been demanded, citing the ongoing investigation. Customers who believe they are affected
can call a dedicated helpline that opens on Monday."""


HARBOR = breach_notice("Harbor Freightways", "Duluth, Minnesota", "212,000")

# A syndicated copy: a regional site adds a lede and a closing line, and reflows the text.
HARBOR_SYNDICATED = (
    "DULUTH (Regional Wire) — A logistics firm is warning customers about a data theft.\n\n"
    + HARBOR.replace("\n", " ")
    + "\n\nThe Regional Wire contacted the company for further comment."
)

# A different article about the same breach: new facts, entirely different wording.
HARBOR_FOLLOW_UP = """Trucking company Harbor Freightways now believes the attackers behind last week's
intrusion were members of the Copperhead extortion crew, a person familiar with the matter said. The
group posted samples of shipping manifests on its leak site on Friday and set a deadline for payment.
Security researchers who examined the samples said they appeared genuine. Harbor Freightways told
investors in a filing that the incident had been contained and that operations were running normally,
while warning that the costs of the response could be material."""

# The same text for a different company: the false-merge guard must keep it apart from HARBOR.
LAKESIDE = breach_notice("Lakeside Credit Union", "Madison, Wisconsin", "48,500")

UNRELATED = """The city council approved a new budget for road maintenance on Thursday evening, adding
four snow ploughs to the municipal fleet and extending the hours of the public library during the
exam season. Residents spoke in favour of more cycle lanes near the schools."""

VULN = """Researchers disclosed CVE-2025-31337, a critical flaw in the Orbitfile managed transfer server
that lets an unauthenticated attacker upload and run code. The vendor shipped version 9.4.2 to fix it
and urged administrators to patch immediately, since exploitation attempts were already observed."""
