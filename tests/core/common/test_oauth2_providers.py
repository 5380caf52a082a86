"""The one list of OAuth2 providers' hosts, matched as Thunderbird matches it."""

from __future__ import annotations

import pytest

from mailhop.core.common.oauth2_providers import oauth2_host

# The policy's own list before there was one: each must still be an OAuth2 host.
FORMER_POLICY_HOSTS = (
    "imap.gmail.com",
    "smtp.gmail.com",
    "pop.gmail.com",
    "outlook.office365.com",
    "smtp.office365.com",
    "imap-mail.outlook.com",
    "smtp-mail.outlook.com",
    "imap.mail.yahoo.com",
    "smtp.mail.yahoo.com",
    "imap.aol.com",
    "smtp.aol.com",
)


@pytest.mark.parametrize(
    "host", [*FORMER_POLICY_HOSTS, "imap.fastmail.com", "IMAP.GMAIL.COM.", "gmail.com"]
)
def test_a_listed_name_or_a_name_below_it_is_an_oauth2_host(host: str) -> None:
    assert oauth2_host(host)


@pytest.mark.parametrize(
    "host", ["notgmail.com", "gmail.com.attacker.test", "mail.example.com", "fastmail.com", ""]
)
def test_a_name_that_only_ends_in_the_same_letters_is_not(host: str) -> None:
    assert not oauth2_host(host)
