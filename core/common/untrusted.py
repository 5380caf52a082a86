"""The one boundary between bytes mailhop did not write and the libraries that parse them.

Why this module exists
----------------------
A 13-byte unclosed plist used to crash ``mailhop lint``: every caller caught the exceptions
it expected, and the libraries raise more than they document:

* ``plistlib`` documents ``InvalidFileException`` but lets ``ExpatError``, ``LookupError``
  (an unknown encoding), ``IndexError`` (a key outside a dict) and ``AttributeError`` (a
  bad date) through, and its binary reader recurses once per nesting level;
* ``json`` recurses once per nesting level too (``RecursionError``), and by default reads
  ``NaN``, ``Infinity`` and ``1e999`` (an infinite float) as numbers;
* ``cryptography`` parses a certificate lazily: ``load_der_x509_certificate`` succeeds and
  ``.version``, ``.subject``, ``.extensions`` or ``.public_key()`` raise later
  (``InvalidVersion``, ``TypeError``, ``UnsupportedAlgorithm``, ``ValueError``, ...);
* expat (under defusedxml) has no depth limit.

So every library call that reads untrusted bytes (a server's answer, a file to lint, a
saved profile) goes through one function here per library, which

1. bounds the work *before* the library recurses (size, then nesting depth: a bracket scan
   for JSON, a walk of the object table for binary plists, a counting tree builder for XML),
2. calls the library, touching every lazily parsed part while still inside the boundary,
3. turns *any* failure of that library call into ``UntrustedDataError`` with a one-line
   reason. Only the library call is wrapped, never mailhop's own code, so catching
   ``Exception`` there hides no mailhop bug: it is the library's undocumented surface.

Callers then catch exactly one type. The certificate readers live in untrusted_cert.py
(cryptography's surface) and are imported from here, the one boundary.

Exception tree::

    ValueError
     +-- UntrustedDataError      bytes that are not a readable document of the kind asked
          +-- ForbiddenXmlError  a DTD, entity or external reference (never expanded)
"""

from __future__ import annotations

import json
import math
import plistlib
import re
import struct
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped, unused-ignore]
from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]

from .errors import UntrustedDataError
from .text import error_words
from .untrusted_cert import (
    public_key_of,
    read_certificate,
    read_pem_certificates,
    signature_hash_of,
    signature_verifies,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "DocumentTooLarge",
    "ForbiddenXmlError",
    "UntrustedDataError",
    "public_key_of",
    "read_certificate",
    "read_json",
    "read_pem_certificates",
    "read_plist",
    "read_xml",
    "signature_hash_of",
    "signature_verifies",
]

MAX_DOCUMENT_BYTES = 65536  # DESIGN rule 6: 64 KiB per fetched document
# Real documents nest a handful of levels (a profile 4, a .mobileconfig 5, PACC 4); 64
# leaves room for anything legitimate and stays far below Python's recursion limit (1000;
# plistlib's binary reader spends two frames per level).
MAX_DEPTH = 64


class ForbiddenXmlError(UntrustedDataError):
    """XML with a DTD, an entity or an external reference: refused, never expanded."""


class DocumentTooLarge(UntrustedDataError):
    """More bytes than the limit: refused before any parsing."""


def _size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise DocumentTooLarge(
            f"document is {len(data)} bytes, more than the {max_bytes} byte limit"
        )


# --- JSON (RFC 8259) ---------------------------------------------------------------------

# A string (to skip: its brackets are text) or a bracket. The string pattern matches from
# every quote, running to the end when the string is never closed, so no attempt fails and
# the scan stays linear (a pattern that can fail rescans the rest after each escaped quote).
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*\\?(?:"|\Z)|[\[\]{}]', re.DOTALL)


def read_json(
    data: bytes,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_depth: int = MAX_DEPTH,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> Any:
    """One JSON document, UTF-8 (RFC 8259 section 8.1), nested at most ``max_depth`` deep.

    ``NaN``, ``Infinity`` and numbers too large for a float (``1e999``) are refused: they
    are not JSON, and an infinite port or count breaks every caller. ``object_pairs_hook``
    may raise ValueError (a duplicate key, say), which becomes UntrustedDataError too.
    """
    _size(data, max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UntrustedDataError(f"not UTF-8: {error_words(exc)}") from exc
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        if token.group()[0] == '"':
            continue
        depth += 1 if token.group() in "[{" else -1
        if depth > max_depth:
            raise UntrustedDataError(f"nested more than {max_depth} levels deep")
    try:
        return json.loads(
            text,
            object_pairs_hook=object_pairs_hook,
            parse_constant=_no_constant,
            parse_float=_finite_float,
        )
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, hook errors, int limits
        raise UntrustedDataError(error_words(exc)) from exc


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:24]} is too large")
    return value


# --- property lists (Apple) --------------------------------------------------------------


def read_plist(
    data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES, max_depth: int = MAX_DEPTH
) -> Any:
    """One XML or binary property list, nested at most ``max_depth`` deep, no cycles.

    An XML plist with an entity declaration is refused by plistlib itself (no expansion);
    expat resolves no external entity unless asked, and plistlib does not ask.
    """
    _size(data, max_bytes)
    if data.startswith(b"bplist00"):
        _binary_plist_shape(data, max_depth)  # plistlib's binary reader recurses
    try:
        value = plistlib.loads(data)
    except Exception as exc:  # plistlib's real surface: see the module docstring
        raise UntrustedDataError(error_words(exc)) from exc
    if not data.startswith(b"bplist00"):
        _tree_depth(value, max_depth)  # an XML plist is a tree; its parser is iterative
    return value


def _tree_depth(value: object, max_depth: int) -> None:
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: list[object] = []
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        if children and depth >= max_depth:
            raise UntrustedDataError(f"nested more than {max_depth} levels deep")
        stack.extend((child, depth + 1) for child in children)


def _binary_plist_shape(data: bytes, max_depth: int) -> None:
    """Walk the object table (without recursion) and refuse a cycle or a nesting deeper
    than ``max_depth`` before plistlib's recursive reader sees it. The layout is Apple's
    CFBinaryPList.c: header, objects, offset table, a 32-byte trailer."""
    try:
        offset_size, ref_size, count, top, table = struct.unpack(">6xBBQQQ", data[-32:])
    except struct.error as exc:
        raise UntrustedDataError("a binary plist too short for its trailer") from exc
    if not (1 <= offset_size <= 8 and 1 <= ref_size <= 8 and top < count):
        raise UntrustedDataError("a binary plist with an impossible trailer")
    if table + count * offset_size > len(data) - 32:
        raise UntrustedDataError("a binary plist whose offset table runs past its end")

    def integer(at: int, width: int) -> int:
        if at + width > len(data):
            raise UntrustedDataError("a binary plist object runs past its end")
        return int.from_bytes(data[at : at + width], "big")

    def children(ref: int) -> list[int]:
        at = integer(table + ref * offset_size, offset_size)
        token = integer(at, 1)
        kind, size = token & 0xF0, token & 0x0F
        if kind not in (0xA0, 0xC0, 0xD0):  # array, set, dict: the only containers
            return []
        at += 1
        if size == 0x0F:  # the count follows as an integer object
            width = 1 << (integer(at, 1) & 0x03)
            size = integer(at + 1, width)
            at += 1 + width
        refs = size * (2 if kind == 0xD0 else 1)
        if at + refs * ref_size > len(data):
            raise UntrustedDataError("a binary plist container runs past its end")
        found = [integer(at + i * ref_size, ref_size) for i in range(refs)]
        if any(child >= count for child in found):
            raise UntrustedDataError("a binary plist refers to an object that is not there")
        return found

    height: dict[int, int] = {}  # ref -> levels at and below it, once walked
    walking = {top}
    stack = [(top, children(top))]
    while stack:
        ref, pending = stack[-1]
        if pending:
            child = pending.pop()
            if child in walking:
                raise UntrustedDataError("a binary plist object contains itself")
            if child not in height:
                if len(stack) >= max_depth:
                    raise UntrustedDataError(f"nested more than {max_depth} levels deep")
                walking.add(child)
                stack.append((child, children(child)))
            continue
        stack.pop()
        walking.discard(ref)
        height[ref] = 1 + max((height[c] for c in children(ref)), default=0)
        if len(stack) + height[ref] > max_depth:
            raise UntrustedDataError(f"nested more than {max_depth} levels deep")


# --- XML (defusedxml over expat) ---------------------------------------------------------


class _DepthLimitedBuilder(TreeBuilder):
    """ElementTree's builder, counting open elements: expat itself has no depth limit, and
    code that walks a tree recursively (copying, serialising) would hit Python's."""

    def __init__(self, max_depth: int) -> None:
        super().__init__()
        self._open = 0
        self._max_depth = max_depth

    def start(self, tag: Any, attrs: dict[Any, Any]) -> Element:
        self._open += 1
        if self._open > self._max_depth:
            raise UntrustedDataError(f"elements nested more than {self._max_depth} levels deep")
        return super().start(tag, attrs)

    def end(self, tag: Any) -> Element:
        self._open -= 1
        return super().end(tag)


def read_xml(
    data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES, max_depth: int = MAX_DEPTH
) -> Element:
    """Parse untrusted XML: size cap first, then defusedxml with DTDs, entities and
    external references forbidden (DESIGN rule 6), elements at most ``max_depth`` deep."""
    _size(data, max_bytes)
    try:
        parser = SafeET.DefusedXMLParser(
            target=_DepthLimitedBuilder(max_depth),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        parser.feed(data)
        root = parser.close()
    except UntrustedDataError:
        raise
    except DefusedXmlException as exc:
        raise ForbiddenXmlError(
            f"forbidden XML construct ({type(exc).__name__}): DTDs and entities are refused"
        ) from exc
    except Exception as exc:  # expat: ParseError, an unknown encoding (LookupError), ...
        raise UntrustedDataError(f"malformed XML: {error_words(exc)}") from exc
    if not isinstance(root, Element):
        raise UntrustedDataError("malformed XML: no root element")
    return root
