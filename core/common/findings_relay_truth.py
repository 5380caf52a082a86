"""Findings where the evidence is missing or says "no mail": the relay leg's MX answer and an
MTA-STS lookup that got no answer (DESIGN.md section 4, rule 11: missing evidence is never
"OK", and never a finding against the domain either).

Kept apart from findings_servers.py and findings_discovery.py so the relay's truth is
reviewed and translated in one place; ``findings.FINDINGS`` merges it.
"""

from __future__ import annotations

from .finding_text import FindingText, Severity
from .i18n import N_

__all__ = ["RELAY_TRUTH_FINDINGS"]

RELAY_TRUTH_FINDINGS: dict[str, FindingText] = {
    "relay-unchecked": FindingText(
        Severity.INFO,
        N_("How mail reaches {domain} could not be checked: the MX lookup failed."),
        N_(
            "{detail}. Without an answer nothing is known about the domain's mail servers; "
            "this is not a finding against {domain}."
        ),
    ),
    "relay-null-mx": FindingText(
        Severity.WARN,
        N_("{domain} receives no mail: it publishes a null MX record."),
        N_("A single MX record with the root as mail server says so (RFC 7505)."),
    ),
    "relay-no-mx": FindingText(
        Severity.INFO,
        N_("{domain} publishes no MX record; other servers deliver to its own address."),
        N_("Without MX records, senders use the domain's A/AAAA address (RFC 5321 section 5.1)."),
    ),
    "mta-sts-unchecked": FindingText(
        Severity.INFO,
        N_("Whether {domain} publishes an MTA-STS policy could not be checked from here."),
        N_("{reason}. This is not a finding against {domain}."),
    ),
}
