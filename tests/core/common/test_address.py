"""parse_address: one canonical A-label per address, and a specific error for each mistake."""

from __future__ import annotations

import dataclasses
import pickle
from typing import get_args

import pytest

from mailhop.core.common.address import AddressError, EmailAddress, ErrorCode, parse_address
from mailhop.core.common.i18n import LANGUAGES, set_language


def domain_of(length: int) -> str:
    """A valid-looking domain of exactly ``length`` octets, ending in .de, labels <= 63."""
    parts, left = [], length - 3
    while left > 0:
        take = min(63, left)
        if left - take == 1:  # a lone dot would leave an empty label
            take -= 1
        parts.append("a" * take)
        left -= take + 1
    name = ".".join(parts) + ".de"
    assert len(name) == length
    return name


GOOD = [
    # (input, local, domain, domain_unicode)
    ("alice@firma.de", "alice", "firma.de", "firma.de"),
    ("Alice.Smith@FIRMA.DE", "Alice.Smith", "firma.de", "firma.de"),
    ("alice@firma.de.", "alice", "firma.de", "firma.de"),
    ("  alice@firma.de \r\n", "alice", "firma.de", "firma.de"),
    ("\talice@firma.de\u00a0", "alice", "firma.de", "firma.de"),
    ("o'brien+tag_1{x}@mail.firma.de", "o'brien+tag_1{x}", "mail.firma.de", "mail.firma.de"),
    ("alice@123.de", "alice", "123.de", "123.de"),
    ("alice@faß.de", "alice", "xn--fa-hia.de", "faß.de"),
    ("alice@FAß.DE", "alice", "xn--fa-hia.de", "faß.de"),
    ("alice@xn--fa-hia.de", "alice", "xn--fa-hia.de", "faß.de"),
    ("alice@XN--FA-HIA.DE", "alice", "xn--fa-hia.de", "faß.de"),
    ("jürgen@müller.de", "jürgen", "xn--mller-kva.de", "müller.de"),
    ("Jürgen@MÜLLER.de", "Jürgen", "xn--mller-kva.de", "müller.de"),
    ("用户@例子.广告", "用户", "xn--fsqu00a.xn--4rr70v", "例子.广告"),
    ("alice@\uff26\uff29\uff32\uff2d\uff21.de", "alice", "firma.de", "firma.de"),  # full-width
]


@pytest.mark.parametrize(("text", "local", "domain", "domain_unicode"), GOOD)
def test_good_addresses_are_canonicalised(
    text: str, local: str, domain: str, domain_unicode: str
) -> None:
    address = parse_address(text)
    assert address == EmailAddress(local, domain, domain_unicode)
    assert address.domain.isascii()
    assert address.ascii == str(address) == f"{local}@{domain}"
    assert address.display == f"{local}@{domain_unicode}"


def test_sharp_s_is_not_mapped_to_ss_as_the_builtin_codec_does() -> None:
    # The trap DESIGN.md rule 8 warns about: IDNA 2003 makes faß.de a different domain.
    assert "faß.de".encode("idna") == b"fass.de"
    sharp = parse_address("alice@faß.de")
    double = parse_address("alice@fass.de")
    assert sharp.domain == "xn--fa-hia.de"
    assert double.domain == "fass.de"
    assert sharp.domain != double.domain


def test_greek_final_sigma_is_kept_non_transitional() -> None:
    final = parse_address("alice@\u03b2\u03cc\u03bb\u03bf\u03c2.gr")  # final sigma U+03C2
    medial = parse_address("alice@\u03b2\u03cc\u03bb\u03bf\u03c3.gr")  # sigma U+03C3
    assert final.domain == "xn--nxasmm1c.gr"
    assert final.domain_unicode.endswith("\u03c2.gr")
    assert medial.domain == "xn--nxasmq6b.gr"
    # Upper-case sigma folds to the medial form, as UTS 46 says.
    assert parse_address("alice@\u0392\u038c\u039b\u039f\u03a3.gr").domain == medial.domain


ERRORS = [
    # (input, code, a fragment the message must contain)
    ("", "empty", "No address"),
    (" \r\n ", "empty", "No address"),
    ("a" * 1100 + "@firma.de", "address-too-long", "1109 characters"),
    ("a" * 64 + "@" + domain_of(190), "address-too-long", "255 bytes"),
    ("alice\r\nbcc@firma.de", "control", "U+000D CARRIAGE RETURN after 'alice'"),
    ("alice\x00@firma.de", "control", "U+0000 NUL"),
    ("alice@firma.de\x1f", "control", "U+001F"),
    ("alice@\ud800.de", "control", "U+D800"),
    ("ali\u202ece@firma.de", "bidi", "U+202E RIGHT-TO-LEFT OVERRIDE after 'ali'"),
    ("alice@firma\u200e.de", "bidi", "U+200E"),
    ("alice@a\u05d0.de", "bidi", "'a\u05d0'"),
    ("alice@fir\u200bma.de", "invisible", "U+200B ZERO WIDTH SPACE after 'alice@fir'"),
    ("alice@fir\u00adma.de", "invisible", "U+00AD SOFT HYPHEN"),
    ("alice@\u2060firma.de", "invisible", "U+2060"),
    ("\ufeffalice@firma.de", "invisible", "U+FEFF ZERO WIDTH NO-BREAK SPACE at the start"),
    ("alice@fir\u3164ma.de", "invisible", "U+3164"),
    ("alice@xn--mgbn2ecje63gr19l.ir", "invisible", "U+200C ZERO WIDTH NON-JOINER"),
    ("ali ce@firma.de", "whitespace", "U+0020 SPACE, after 'ali'"),
    ("alice@firma.de\u3000x", "whitespace", "U+3000 IDEOGRAPHIC SPACE"),
    ("alice.firma.de", "no-at", "'alice.firma.de' has no @."),
    ("alice\uff20firma.de", "no-at", "look-alike"),
    ("alice@bob@firma.de", "many-at", "'alice@bob@firma.de'"),
    ("@firma.de", "empty-local", "'@firma.de'"),
    ('"alice smith"@firma.de', "quoted-local", '"alice smith"'),
    ('"alice@home"@firma.de', "quoted-local", '"alice@home"'),
    ("a" * 65 + "@firma.de", "local-too-long", "65 bytes"),
    ("\u00fc" * 33 + "@firma.de", "local-too-long", "66 bytes"),
    (".alice@firma.de", "bad-local", "('.alice') starts with a dot"),
    ("alice.@firma.de", "bad-local", "('alice.') ends with a dot"),
    ("al..ice@firma.de", "bad-local", "('al..ice') has two dots in a row"),
    ("alice,smith@firma.de", "bad-local", "contains ','"),
    ("alice(x)@firma.de", "bad-local", "contains '('"),
    ("alice@", "empty-domain", "Nothing follows the @"),
    ("alice@.", "empty-domain", "Nothing follows the @"),
    ("alice@[192.0.2.1]", "ip-literal", "'[192.0.2.1]' is an IP address"),
    ("alice@[IPv6:2001:db8::1]", "ip-literal", "IPv6:2001:db8::1"),
    ("alice@192.0.2.1", "ip-literal", "'192.0.2.1' is an IP address"),
    ("alice@firma\u3002de", "fullwidth-dot", "U+3002 IDEOGRAPHIC FULL STOP"),
    ("alice@firma\uff0ede", "fullwidth-dot", "U+FF0E FULLWIDTH FULL STOP"),
    ("alice@firma\uff61de", "fullwidth-dot", "U+FF61"),
    ("alice@.firma.de", "bad-label", "'.firma.de' starts with a dot"),
    ("alice@firma..de", "bad-label", "'firma..de' has two dots in a row"),
    ("alice@fir_ma.de", "bad-label", "'fir_ma' of the domain 'fir_ma.de' contains '_'"),
    ("alice@-firma.de", "bad-label", "'-firma'"),
    ("alice@firma-.de", "bad-label", "'firma-'"),
    ("alice@fi--rma.de", "bad-label", "'fi--rma'"),
    ("alice@" + "a" * 64 + ".de", "label-too-long", "64 bytes"),
    ("alice@\u00fc" + "a" * 56 + ".de", "label-too-long", "64 bytes long in DNS form"),
    ("alice@xn--zz.de", "idna", "'xn--zz'"),
    ("alice@xn--ls8h.de", "idna", "'xn--ls8h'"),  # a valid Punycode emoji, not IDNA 2008
    ("alice@snow\u2603.de", "idna", "U+2603"),
    ("alice@" + domain_of(254), "domain-too-long", "254 bytes"),
    ("alice@mail.example.com", "special-use", "under 'example.com'"),
    ("alice@example.net", "special-use", "'example.net'"),
    ("alice@example.org", "special-use", "'example.org'"),
    ("alice@firma.example", "special-use", "under 'example'"),
    ("alice@mail.test", "special-use", "under 'test'"),
    ("alice@firma.invalid", "special-use", "under 'invalid'"),
    ("alice@localhost", "special-use", "under 'localhost'"),
    ("alice@printer.local", "special-use", "under 'local'"),
    ("alice@hidden.onion", "special-use", "RFC 7686"),
    ("alice@nas.home.arpa", "special-use", "under 'home.arpa'"),
    ("alice@1.2.in-addr.arpa", "special-use", "under 'arpa'"),
    ("alice@corp.internal", "special-use", "under 'internal'"),
    ("alice@firma.alt", "special-use", "RFC 9476"),
    ("alice@firma", "single-label", "'firma' has no dot"),
    ("alice@firma.123", "numeric-tld", "ends in '123'"),
]


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    ERRORS,
    ids=[f"{code}-{i}" for i, (_, code, _) in enumerate(ERRORS)],
)
def test_each_mistake_has_its_code_and_a_specific_message(
    text: str, code: str, fragment: str
) -> None:
    with pytest.raises(AddressError) as caught:
        parse_address(text)
    assert caught.value.code == code
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_each_mistake_is_told_in_the_person_s_language(language: str) -> None:
    """The messages go through the catalog: none stays the English sentence."""
    english = {text: _message(text) for text, _, _ in ERRORS}
    set_language(language)
    try:
        untranslated = [text for text in english if _message(text) == english[text]]
    finally:
        set_language("en")
    assert untranslated == []


def _message(text: str) -> str:
    with pytest.raises(AddressError) as caught:
        parse_address(text)
    return str(caught.value)


def test_every_error_code_is_exercised() -> None:
    assert {code for _, code, _ in ERRORS} == set(get_args(ErrorCode))


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        pytest.param("a" * 64 + "@firma.de", True, id="local-64"),
        pytest.param("a" * 65 + "@firma.de", False, id="local-65"),
        pytest.param("\u00fc" * 32 + "@firma.de", True, id="local-64-utf8"),
        pytest.param("\u00fc" * 33 + "@firma.de", False, id="local-66-utf8"),
        pytest.param("alice@" + "a" * 63 + ".de", True, id="label-63"),
        pytest.param("alice@" + "a" * 64 + ".de", False, id="label-64"),
        pytest.param("alice@\u00fc" + "a" * 55 + ".de", True, id="a-label-63"),
        pytest.param("alice@\u00fc" + "a" * 56 + ".de", False, id="a-label-64"),
        pytest.param("a@" + domain_of(252), True, id="domain-252"),  # address 254
        pytest.param("a@" + domain_of(252) + ".", True, id="domain-252-root-dot"),
        pytest.param("a@" + domain_of(253), False, id="domain-253"),  # address 255
        pytest.param("a@" + domain_of(254), False, id="domain-254"),
        pytest.param("a" * 64 + "@" + domain_of(189), True, id="address-254"),
        pytest.param("a" * 64 + "@" + domain_of(190), False, id="address-255"),
    ],
)
def test_length_limits_at_the_edge(text: str, ok: bool) -> None:
    if ok:
        address = parse_address(text)
        assert len(address.ascii.encode()) <= 254
    else:
        with pytest.raises(AddressError):
            parse_address(text)


def test_a_253_octet_domain_passes_the_domain_limit_and_fails_the_address_limit() -> None:
    with pytest.raises(AddressError) as at_limit:
        parse_address("a@" + domain_of(253))
    with pytest.raises(AddressError) as over:
        parse_address("a@" + domain_of(254))
    assert at_limit.value.code == "address-too-long"
    assert over.value.code == "domain-too-long"


def test_test_domains_only_when_allowed() -> None:
    assert parse_address("alice@mail.test", allow_test_domains=True).domain == "mail.test"
    assert parse_address("alice@faß.test", allow_test_domains=True).domain == "xn--fa-hia.test"
    for text in ("alice@test", "alice@firma.example", "alice@localhost"):
        with pytest.raises(AddressError) as caught:
            parse_address(text, allow_test_domains=True)
        assert caught.value.code == "special-use"


def test_result_is_frozen_and_error_survives_pickling() -> None:
    address = parse_address("alice@firma.de")
    with pytest.raises(dataclasses.FrozenInstanceError):
        address.domain = "evil.de"  # type: ignore[misc]
    with pytest.raises(AddressError) as caught:
        parse_address("alice@firma")
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own object
    assert (copy.code, str(copy)) == ("single-label", str(caught.value))
