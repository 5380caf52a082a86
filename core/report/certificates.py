"""The report's certificate sections: one per certificate and outcome, from every server of a
check that showed one (the chosen servers first), with how its key was verified and DANE's word."""

from __future__ import annotations

import dataclasses

from ..common.i18n import _, ngettext
from ..common.text import one_line
from ..probe.dane_records import DaneOutcome
from ..probe.probe_report import EndpointProbe, utc_text
from ..run.check import CheckReport
from ..verdict.labels import HOW_VERIFIED
from .sections import CertificateSection
from .wording import DANE_SHOWN

__all__ = ["certificate_sections"]


def _probed(report: CheckReport) -> list[EndpointProbe]:
    """Every server that showed a certificate: the chosen ones first, then the rest once."""
    verdict = report.verdict
    seen: dict[tuple[str, int], EndpointProbe] = {}
    first = [verdict.access.chosen, verdict.submission.chosen]
    rest = [*report.probes, *(r.probe for r in report.relay)]
    for probe in (*first, *rest):
        if probe is not None and probe.cert is not None:
            seen.setdefault((probe.entry.hostname, probe.entry.port), probe)
    return list(seen.values())


def certificate_sections(report: CheckReport) -> tuple[CertificateSection, ...]:
    """One section per certificate and outcome: a host showing the same certificate on
    seven ports, verified the same way, is one section naming the seven."""
    grouped: dict[CertificateSection, list[str]] = {}
    for probe in _probed(report):
        section = _certificate(probe)
        key = dataclasses.replace(section, endpoints=())
        grouped.setdefault(key, []).extend(section.endpoints)
    return tuple(dataclasses.replace(k, endpoints=tuple(v)) for k, v in grouped.items())


def _certificate(probe: EndpointProbe) -> CertificateSection:
    cert = probe.cert
    assert cert is not None  # _probed keeps only these
    if probe.authenticated_by is not None:
        verified = _("verified by {how}").format(how=HOW_VERIFIED[probe.authenticated_by])
    else:
        verified = _("not verified: {why}").format(
            why=one_line(probe.pkix.error or (probe.failure.detail if probe.failure else "-"))
        )
    dane = (
        DANE_SHOWN[probe.dane.outcome]
        if probe.dane.outcome
        else DANE_SHOWN[DaneOutcome.NOT_APPLICABLE]
    )
    if probe.dane.detail:
        dane += f" ({one_line(probe.dane.detail)})"
    return CertificateSection(
        endpoints=(one_line(probe.endpoint),),
        verified=verified,
        subject=one_line(cert.subject),
        issuer=one_line(cert.issuer),
        names=tuple(one_line(n) for n in cert.names),
        valid_until=(until := utc_text(cert.not_after) if cert.not_after else "-"),
        validity=ngettext(
            "{until} ({days} day left)", "{until} ({days} days left)", cert.days_left
        ).format(until=until, days=cert.days_left),
        days_left=cert.days_left,
        key=one_line(cert.key),
        pin=cert.spki_sha256,
        chain=tuple(one_line(s) for s in cert.chain_subjects),
        dane=dane,
        problems=tuple(one_line(p.message) for p in cert.problems),
    )
