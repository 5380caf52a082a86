"""What the attempts' documents and redirects tell the domain's admin, as findings.

A plaintext entry or a password in a document, entries dropped, a document that arrived
and was not used (chosen by the attempt's typed ``failure``, never its words), a redirect
out of the domain or refused, plain HTTP used, a broader provider entry set aside for a
deeper one, and guesses that stayed unauthenticated. Pure: attempts in, findings out.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..common.findings import Finding, finding
from ..common.lookalike import shown_host
from ..common.model import IssueCode
from ..discover.report import Attempt, Auth, Failure, RefusedRedirect, Source, Status
from .tiers import MX_DERIVED, Tier, mx_key, superseding_keys, tier_of

__all__ = ["document_findings"]

# Sources whose refused document is worth a finding (the others say so in their status).
_DOCUMENTS = (Source.AUTOCONFIG, Source.WELL_KNOWN, Source.PACC, Source.ISPDB)


def document_findings(domain: str, attempts: Sequence[Attempt]) -> list[Finding]:
    out: list[Finding] = []
    for attempt in attempts:
        out += _issue_findings(attempt)
        out += _fetch_findings(domain, attempt)
        if attempt.source in MX_DERIVED and attempt.status is Status.FOUND:
            out += _superseded_finding(attempt, attempts)
    # One finding for every guess that stayed tier C (the MX host's and the conventional
    # names' are separate attempts; a signed MX host is not a guess in this sense).
    guessed = sorted(
        {
            f"{shown_host(c.hostname)}:{c.port}"
            for a in attempts
            if a.source is Source.GUESS and tier_of(a, attempts) is Tier.C
            for c in a.candidates
        }
    )
    if guessed:
        out.append(finding("guessed", hosts=", ".join(guessed)))
    return out


def _issue_findings(attempt: Attempt) -> list[Finding]:
    """What the parser noted in the document: plaintext, a password, entries dropped."""
    out = []
    name = f"{attempt.source.value} ({attempt.target})"
    dropped = []
    for issue in attempt.issues:
        if issue.code is IssueCode.PLAINTEXT_REJECTED:
            out.append(finding("plaintext-offered", source=name, where=issue.where))
        elif issue.code is IssueCode.PASSWORD_IGNORED:
            out.append(finding("password-in-document", source=name, where=issue.where))
        elif issue.code not in (IssueCode.DEFAULTED, IssueCode.REALNAME_IGNORED):
            dropped.append(f"{issue.where or 'document'}: {issue.message}")
    if dropped:
        examples = "; ".join(dropped[:3])
        out.append(finding("entries-dropped", source=name, count=len(dropped), examples=examples))
    return out


def _fetch_findings(domain: str, attempt: Attempt) -> list[Finding]:
    """How the document was fetched: refused, redirected away or refused a redirect, HTTP."""
    out = []
    source, target = attempt.source.value, attempt.target
    # A document that arrived and was not used, chosen by the attempt's typed failure:
    # a host that refused the TCP connection published nothing, whatever its words say.
    refused = attempt.status is Status.FAILED and attempt.failure is Failure.DOCUMENT_REFUSED
    if refused and attempt.source in _DOCUMENTS:
        out.append(finding("document-refused", source=source, reason=attempt.detail, target=target))
    if attempt.status is Status.FOUND and attempt.auth is Auth.HTTPS_OTHER_DOMAIN:
        hops = " -> ".join(attempt.hops)
        out.append(
            finding("redirect-other-domain", source=source, target=target, hops=hops, domain=domain)
        )
    if attempt.payload_as(RefusedRedirect) is not None:
        out.append(finding("autodiscover-redirect-refused", domain=domain, reason=attempt.detail))
    if attempt.source is Source.HTTP_AUTOCONFIG and attempt.status is Status.FOUND:
        out.append(finding("plain-http-used", target=target))
    return out


def _superseded_finding(attempt: Attempt, attempts: Sequence[Attempt]) -> list[Finding]:
    """Nothing set aside silently: which broader MX-derived entry lost to which deeper one."""
    deeper = superseding_keys(attempt, attempts)
    if not deeper:
        return []
    return [
        finding(
            "mx-entry-superseded",
            source=attempt.source.value,
            broad=shown_host(mx_key(attempt)),
            deep=", ".join(shown_host(k) for k in deeper),
            target=attempt.target,
        )
    ]
