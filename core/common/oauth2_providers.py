"""The providers whose servers sign in with OAuth2: one list for discovery, policy and lint.

mailhop kept two lists that disagreed: the policy's eleven exact host names (Gmail,
Microsoft 365, Outlook.com, Yahoo, AOL) and lint's copy of Thunderbird's built-in table.
Thunderbird's is the one kept: it is what the client mailhop exports to actually does
(a host is an OAuth2 host when it or a parent name is listed, so ``imap.gmail.com`` and
``outlook.office365.com`` match), it is maintained upstream, and it covers every host the
policy's list named. Source: mailnews/base/src/OAuth2Providers.sys.mjs, kHostnames,
without its test entries.
"""

from __future__ import annotations

__all__ = ["OAUTH2_HOSTS", "oauth2_host"]

OAUTH2_HOSTS = frozenset(
    {
        "googlemail.com", "gmail.com", "www.googleapis.com", "apidata.googleusercontent.com",
        "imap.mail.ru", "smtp.mail.ru", "imap.yandex.com", "smtp.yandex.com",
        "yahoo.com", "att.net", "aol.com",
        "office365.com", "graph.microsoft.com", "outlook.com", "hotmail.com",
        "imap.fastmail.com", "pop.fastmail.com", "smtp.fastmail.com",
        "imap.comcast.net", "pop.comcast.net", "smtp.comcast.net",
        "thundermail.com", "stage-thundermail.com",
    }
)  # fmt: skip


def oauth2_host(hostname: str) -> bool:
    """The host, or a parent name of it, is a known OAuth2 provider's (a trailing dot and
    letter case do not matter; a name that merely ends in the same letters does not)."""
    name = hostname.lower().rstrip(".")
    while name:
        if name in OAUTH2_HOSTS:
            return True
        name = name.partition(".")[2]
    return False
