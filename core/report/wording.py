"""The helpdesk report's fixed words: its headline and next step for each level, a level's
and a DANE outcome's name, and the mail apps it gives steps for. Marked for translation here
(``N_``), translated when a report is built or rendered."""

from __future__ import annotations

from ..common.i18n import N_, Labels
from ..probe.dane_records import DaneOutcome
from ..verdict.verdict import Level

__all__ = ["CLIENTS", "COULD_NOT_CHECK", "DANE_SHOWN", "HEADLINE", "NEXT_STEP", "level_shown"]

# The report's own level: the verdict's three, and "could not check" (DESIGN.md section 3:
# this computer's side failed, which says nothing against the domain).
COULD_NOT_CHECK = Level.COULD_NOT_CHECK.value

HEADLINE = Labels(
    {
        "ok": N_("The domain's mail settings were found and verified: this account can be set up."),
        "warn": N_(
            "The account can be set up, but mailhop found problems the domain's administrator "
            "should look at."
        ),
        "block": N_(
            "This account cannot be set up safely: the domain's servers failed the checks."
        ),
        COULD_NOT_CHECK: N_(
            "The domain could not be checked from this computer: nothing was learned about it."
        ),
    }
)
NEXT_STEP = Labels(
    {
        "ok": N_("Next: set up the mail app with the values below."),
        "warn": N_(
            "Next: read the warnings among the findings; the values below work, and the "
            "findings say what the domain's administrator can fix."
        ),
        "block": N_(
            "Next: send this report to the domain's administrator or helpdesk; do not type the "
            "password into a mail app until the errors among the findings are fixed."
        ),
        COULD_NOT_CHECK: N_(
            "Next: try another network (or fix what 'Could not be checked' names), then "
            "check again."
        ),
    }
)
LEVEL_SHOWN = Labels(
    {
        "ok": N_("OK"),
        "warn": N_("Warning"),
        "block": N_("Blocked"),
        "none": N_("None found"),
        COULD_NOT_CHECK: N_("Could not check"),
    }
)
DANE_SHOWN = Labels(
    {
        DaneOutcome.MATCHED: N_("matched"),
        DaneOutcome.MISMATCH: N_("MISMATCH: the key does not match the TLSA records"),
        DaneOutcome.BOGUS: N_("the TLSA records failed the DNSSEC check"),
        DaneOutcome.NOT_APPLICABLE: N_("does not apply (no DNSSEC-signed TLSA records)"),
        DaneOutcome.UNUSABLE_RECORDS: N_("the TLSA records are unusable"),
    }
)

# The mail apps a person may use, and which export file each takes (core/export/formats.py);
# "" when the app takes no file and the values are typed.
CLIENTS = (
    ("Thunderbird", "thunderbird"),
    (N_("Apple Mail (Mac, iPhone, iPad)"), "apple"),
    (N_("Outlook for Windows (classic)"), "outlook-reg"),
    (N_("New Outlook, Outlook for Mac"), ""),
    (N_("Thunderbird for Android, K-9 Mail"), "k9-qr-png"),
    ("Evolution", "evolution"),
    ("aerc, NeoMutt, isync, msmtp", "neomutt"),
    (N_("Any other mail app"), ""),
)


def level_shown(level: str) -> str:
    """A report level (ok / warn / block / none / could-not-check) in the reader's words."""
    return LEVEL_SHOWN[level]
