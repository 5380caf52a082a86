"""May a token from this issuer go to this mail server? (draft-ietf-mailmaint-oauth-public-06
sections 3.4 and 3.6, RFC 9728 section 4.)

A mail server names the issuer itself, in its failed OAUTHBEARER answer. Without a check, a
server that is not the provider's could name the provider's real issuer, have the person sign
in there, and receive a token that is good at the provider's own servers. So a token goes
only where its issuer's metadata says, or, when the metadata does not say, where the profile's
fallback allows:

    the metadata lists protected_resources   the server's host is the host of one of them (a
                                             URL such as imap://mail.example.com, or a bare
                                             host name), compared in A-labels
    it lists none                            the server is in the issuer's registrable domain,
                                             or an authenticated document of the address's
                                             domain named the issuer (the domain's own word
                                             binds its servers to it: a known provider's host)

Pure: data in, data out.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from ..common.domains import registrable_domain
from ..common.fields import FieldError, validate_hostname
from ..common.i18n import _
from .oauth_discover import IssuerMetadata

__all__ = ["refused_hosts", "resource_hosts"]


def resource_hosts(resources: Iterable[str]) -> frozenset[str]:
    """The hosts the listed resource identifiers name (unusable ones skipped)."""
    hosts = set()
    for resource in resources:
        try:
            name = urlsplit(resource).hostname if "://" in resource else resource
            hosts.add(validate_hostname(name or ""))
        except (FieldError, ValueError):
            continue
    return frozenset(hosts)


def _allowed(metadata: IssuerMetadata, host: str, documented: bool) -> bool:
    if metadata.protected_resources is not None:
        return host in resource_hosts(metadata.protected_resources)
    issuer_host = urlsplit(metadata.issuer).hostname or ""
    own = registrable_domain(issuer_host) or issuer_host
    return documented or (registrable_domain(host) or host) == own


def refused_hosts(
    metadata: IssuerMetadata, hosts: Iterable[str], *, documented: bool
) -> tuple[tuple[str, ...], str]:
    """The servers among ``hosts`` the issuer's token must not go to, and why in words
    (empty when it may go to all). ``documented``: an authenticated document named the
    issuer (the IssuerAttempt's source "document"), not only the mail server."""
    refused = []
    for name in dict.fromkeys(hosts):
        try:
            host = validate_hostname(name)
        except FieldError:
            refused.append(name)
            continue
        if not _allowed(metadata, host, documented):
            refused.append(host)
    if not refused:
        return (), ""
    if metadata.protected_resources is not None:
        why = _(
            "{issuer} lists the servers its sign-ins are for, and {hosts} is not among them: "
            "mailhop does not sign in there, since the token would be good at other servers."
        )
    else:
        why = _(
            "{issuer} does not list the servers its sign-ins are for, and {hosts} is outside "
            "its domain with no document of your domain naming it: mailhop does not sign in "
            "there, since the token would be good at other servers."
        )
    return tuple(refused), why.format(issuer=metadata.issuer, hosts=", ".join(refused))
