"""The values to type, in Thunderbird's own field names and drop-down words, in the person's
language, from the verified profile."""

from __future__ import annotations

from mailhop.core.common.i18n import set_language
from mailhop.core.export.manual_values import manual_values
from tests.core.export.test_thunderbird import HOSTILE, IMAP_STARTTLS_SUBMISSION, OAUTH2, POP3


def flat(profile: object) -> dict[tuple[str, str], str]:
    from mailhop.core.account.profile import AccountProfile

    assert isinstance(profile, AccountProfile)
    return {
        (section.title, field.label): field.value
        for section in manual_values(profile)
        for field in section.fields
    }


def test_every_field_of_thunderbirds_manual_form() -> None:
    profile = IMAP_STARTTLS_SUBMISSION
    values = flat(profile)
    assert values[("", "Email address")] == profile.address_unicode
    assert values[("", "Your full name")] == profile.display_name
    incoming, outgoing = profile.incoming, profile.outgoing
    assert values[("Incoming server", "Protocol")] == "IMAP"
    assert values[("Incoming server", "Hostname")] == incoming.host
    assert values[("Incoming server", "Port")] == str(incoming.port)
    assert values[("Incoming server", "Username")] == incoming.username
    assert values[("Outgoing server", "Hostname")] == outgoing.host
    assert values[("Outgoing server", "Port")] == str(outgoing.port)
    assert ("Outgoing server", "Protocol") not in values  # Thunderbird's form has none there
    security = {"implicit-tls": "SSL/TLS", "starttls": "STARTTLS"}
    assert values[("Incoming server", "Connection security")] == security[incoming.security.value]
    assert values[("Outgoing server", "Connection security")] == security[outgoing.security.value]
    assert values[("Incoming server", "Authentication method")] == "Normal password"


def test_pop3_and_oauth2() -> None:
    assert flat(POP3)[("Incoming server", "Protocol")] == "POP3"
    assert flat(OAUTH2)[("Incoming server", "Authentication method")] == "OAuth2"


def test_a_german_window_shows_a_german_thunderbirds_words() -> None:
    set_language("de")
    try:
        values = flat(IMAP_STARTTLS_SUBMISSION)
    finally:
        set_language("en")
    assert values[("Posteingangs-Server", "Authentifizierungsmethode")] == "Passwort, normal"
    assert values[("", "Ihr vollständiger Name")] == IMAP_STARTTLS_SUBMISSION.display_name


def test_a_hostile_name_is_kept_as_the_value_it_is() -> None:
    # The window shows values as plain text (gui/untrusted.py); here they stay byte for byte.
    assert flat(HOSTILE)[("", "Your full name")] == HOSTILE.display_name
