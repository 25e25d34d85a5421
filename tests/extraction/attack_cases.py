"""Sentences written for measuring the ATT&CK mapping (bot/extraction/attack.py), each with the
techniques a reader would expect from it: what was done, as news reports it. Negative cases
(denials, warnings, hypotheticals, unrelated text) expect nothing. Used by
tests/extraction/test_attack.py and ``python bench/attack_eval.py``.

``CASES`` were written after the table's first version; four of them it missed led to one
revision (possessives such as "the hospital's servers", passive "was encrypted", "actively
exploited", "the firm's VPN"), so they are no longer unseen. ``HELD_OUT`` were written after that
revision and never changed the table: a case the mapping gets wrong stays (the figures count it)
rather than being rewritten to pass.
"""

from __future__ import annotations

CASES: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (text, frozenset(ids))
    for text, ids in [
        ("Employees received emails with a malicious attachment posing as an unpaid invoice.", {"T1566.001"}),
        ("The intruders sent staff a weaponized Word document that installed a backdoor.", {"T1566.001"}),
        ("A clerk clicked a link in an email that led to a fake login page for the payroll system.", {"T1566.002"}),
        ("The campaign used phishing links hidden in shipping notifications.", {"T1566.002"}),
        ("Attackers gained access after a phishing email tricked an accountant.", {"T1566"}),
        ("The group ran a spear-phishing campaign against defence contractors.", {"T1566"}),
        ("Callers posing as the help desk used voice phishing to get employees' passwords.", {"T1566.004"}),
        ("Hackers exploited a vulnerability in the company's file transfer software to get in.", {"T1190"}),
        ("The flaw, tracked as CVE-2024-11111, was actively exploited before a patch was released.", {"T1190"}),
        ("The attackers used SQL injection against the booking website to read its database.", {"T1190"}),
        ("The criminals got in through the firm's VPN using an employee's stolen credentials.", {"T1133", "T1078"}),
        ("They broke in over remote desktop, which had been left open to the internet.", {"T1021.001"}),
        ("An exposed RDP server gave the gang its first foothold.", {"T1021.001"}),
        ("More than 20,000 accounts were taken over in a credential stuffing attack.", {"T1110.004"}),
        ("The state-backed group used password spraying against cloud email accounts.", {"T1110.003"}),
        ("The attackers brute-forced the administrator password of the router.", {"T1110"}),
        ("The hackers logged in with compromised credentials bought on a criminal forum.", {"T1078"}),
        ("A malicious update of the accounting software was pushed to thousands of customers.", {"T1195.002"}),
        ("Investigators called it a supply-chain attack that reached hundreds of firms.", {"T1195.002"}),
        ("The intruders came in through a third-party vendor's remote maintenance account.", {"T1199"}),
        ("Visitors of the trade association's site were infected in a watering hole attack.", {"T1189"}),
        ("The malware ran only after the victim opened a malicious file and chose to enable macros.", {"T1204.002"}),
        ("A PowerShell script downloaded the second stage from a remote server.", {"T1059.001"}),
        ("Once inside, they used Mimikatz to dump credentials from memory.", {"T1003"}),
        ("The implant included a keylogger that captured banking passwords.", {"T1056.001"}),
        (
            "The attacker sent an engineer push notifications in an MFA fatigue attack until he accepted one.",
            {"T1621"},
        ),
        ("The infostealer stole session cookies, letting the hackers skip logins entirely.", {"T1539"}),
        ("Hard-coded credentials in a public code repository let outsiders into the test servers.", {"T1552.001"}),
        ("A misconfigured Amazon S3 bucket held scans of 40,000 passports.", {"T1530"}),
        ("The intruders read the email inboxes of senior executives for months.", {"T1114"}),
        ("The gang exfiltrated 300 gigabytes of patient records.", {"T1041"}),
        ("The files were uploaded to MEGA before the network was encrypted.", {"T1567.002", "T1486"}),
        ("Ransomware encrypted the hospital's servers and forced staff back to paper charts.", {"T1486"}),
        ("The attackers deleted backups and shadow copies so the city could not restore its systems.", {"T1490"}),
        ("A wiper erased the hard drives of thousands of workstations.", {"T1485"}),
        ("Pro-government hackers defaced the ministry's website with a political message.", {"T1491.002"}),
        ("A DDoS attack knocked the exchange offline for six hours.", {"T1498"}),
        ("Cryptojacking malware on the university's servers mined Monero for weeks.", {"T1496"}),
        ("In a business email compromise scam, the charity wired $650,000 to fraudsters.", {"T1657"}),
        ("Fraudsters diverted supplier payments to their own bank accounts.", {"T1657"}),
        # Nothing was done, or not by attackers: no technique.
        ("The company said there was no evidence that any data was exfiltrated.", set()),
        ("The flaw could allow attackers to exploit the web server remotely.", set()),
        ("Experts advise users to protect themselves against phishing by checking sender addresses.", set()),
        ("The firm said its systems were not encrypted and operations continue normally.", set()),
        ("The council approved a new budget for road repairs on Tuesday.", set()),
        ("The vendor released version 5.2 with performance improvements and a new dashboard.", set()),
        ("If exploited, the bug would let an attacker read arbitrary files.", set()),
        ("Staff will take a course on how to spot phishing emails next month.", set()),
    ]
)

HELD_OUT: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (text, frozenset(ids))
    for text, ids in [
        (
            "Staff at the clinic were sent an Excel file laced with malware by someone posing as a supplier.",
            {"T1566.001"},
        ),
        ("The gang encrypted roughly 1,200 of the school district's computers over the weekend.", {"T1486"}),
        ("Researchers found that the intruders had siphoned off customer data for three months.", {"T1041"}),
        ("A phishing text message directed bank customers to a cloned website.", {"T1566"}),
        ("The threat actor took advantage of an unpatched Exchange server to break in.", {"T1190"}),
        ("Attackers used an old administrator account that had never been disabled.", {"T1078"}),
        ("The hacktivists flooded the airline's booking site with traffic in a DDoS campaign.", {"T1498"}),
        ("Before leaving, the intruders wiped the backups stored on the network share.", {"T1490"}),
        ("The thieves guessed weak passwords on thousands of loyalty accounts.", {"T1110"}),
        ("Investigators found Mimikatz and a batch script on the domain controller.", {"T1003"}),
        ("An employee plugged in a USB stick found in the car park.", set()),
        ("The bank said customers should never share one-time codes with callers.", set()),
        ("The software maker fixed the bug in version 8.1 and thanked the researcher who reported it.", set()),
        ("Ransomware gangs increasingly target schools, the report said, citing last year's figures.", set()),
    ]
)
