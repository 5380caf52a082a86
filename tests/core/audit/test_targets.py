"""The audit's list: comments, blanks, IDN, addresses reduced to their domain, each domain
once, and hostile lines refused one by one with the line's own words."""

from __future__ import annotations

from mailhop.core.audit.targets import MAX_LINE, read_targets


def test_comments_blanks_idn_and_addresses_keep_their_line_numbers() -> None:
    lines = [
        "# customers",
        "",
        "  posteo.de  ",
        "alice@Bücher.de  # inline note",
        "xn--bcher-kva.de",  # the same domain as the address above
        "posteo.de.",  # and the same as line 3
    ]
    found = list(read_targets(lines))
    assert [(t.line, t.domain) for t in found] == [
        (3, "posteo.de"),
        (4, "xn--bcher-kva.de"),
    ]
    assert found[1].address is not None and found[1].address.local == "postmaster"
    assert found[1].address.domain_unicode == "bücher.de"


def test_hostile_lines_are_refused_one_by_one_and_stop_nothing() -> None:
    lines = [
        "evil\x1b[2J.org",
        "a\u202eb.org",
        "x" * (MAX_LINE + 5000),
        "bad\ufffdutf8.org",
        "=cmd|' /C calc'!A0",
        "192.0.2.1",
        "some text with spaces",
        "fine.org",
        "postmaster@@twice.org",
    ]
    found = list(read_targets(lines))
    assert [t.line for t in found] == list(range(1, len(lines) + 1))
    refused = [t for t in found if t.address is None]
    assert len(refused) == len(lines) - 1 and found[7].domain == "fine.org"
    for target in refused:
        assert target.problem and target.text.isprintable() and len(target.text) <= 200
    assert "postmaster" not in found[6].problem  # the person's line, not the audit's prefix


def test_test_domains_only_when_allowed() -> None:
    (refused,) = read_targets(["a.test"])
    (allowed,) = read_targets(["a.test"], allow_test_domains=True)
    assert refused.address is None and allowed.domain == "a.test"
