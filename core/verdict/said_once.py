"""The findings a person reads: the same finding for the same host said once, for every port.

One certificate seen on 993, 143, 465 and 587 is one finding, not four. A finding about an
endpoint (``host`` set) that has the same code as an earlier one for the same host is
merged into that one: said again for the host and every port, in the order seen, at the
most severe level of the group, with every piece of evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..common.findings import Finding
from ..common.i18n import N_, Words
from ..common.lookalike import classify_host
from ..probe.probe_report import EndpointProbe
from .endpoint import approval_finding, endpoint_findings, most_severe

__all__ = ["said_once"]


def said_once(
    said: Sequence[Finding], probes: dict[tuple[str, int], EndpointProbe]
) -> tuple[Finding, ...]:
    """`said` (in reading order) with each group merged; `probes` by (host, port) say
    each endpoint again for all its ports."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for found in said:
        if found.host is not None and found.port is not None:
            groups.setdefault((found.code, found.host), []).append(found)
    out: list[Finding] = []
    for found in said:
        group = groups.get((found.code, found.host or ""), [found])
        if found is group[0]:  # the others are said with the first of their group
            out += _merged(group, probes)
    return tuple(out)


def _merged(group: list[Finding], probes: dict[tuple[str, int], EndpointProbe]) -> list[Finding]:
    first = group[0]
    ports = list(dict.fromkeys(f.port for f in group if f.port is not None))
    probe = probes.get((first.host or "", ports[0])) if ports else None
    if len(ports) < 2 or probe is None:
        return group
    listed = _listed([str(p) for p in ports])
    where = Words(  # put into the person's language when shown (core/common/i18n.py)
        N_("{host} (ports {ports})"),
        (("host", classify_host(probe.entry.hostname).shown), ("ports", listed)),
    )
    if first.code in ("needs-approval", "lookalike-needs-approval"):
        again = [approval_finding(probe, where)]
    else:
        again = [f for f in endpoint_findings(probe, where, listed) if f.code == first.code]
    if not again:
        return group
    evidence = tuple(dict.fromkeys(e for f in group for e in f.evidence))
    return [replace(again[0], severity=most_severe(group), evidence=evidence)]


def _listed(words: Sequence[str]) -> str | Words:
    if len(words) == 1:
        return words[0]
    return Words(N_("{some} and {last}"), (("some", ", ".join(words[:-1])), ("last", words[-1])))
