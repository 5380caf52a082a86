"""``mailhop export``: a saved account as the files of one mail client's format.

The format table, the renderers, signer loading and the atomic writing all live in
export/ and common/files.py; this module only reads the options, picks the output
(stdout, a file, or a folder for Evolution's several files) and says what it wrote.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..common.i18n import _
from .commands import parsed_address, saved_profile
from .exit_codes import EXIT_NOT_SET_UP, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from ..account.profile import AccountProfile
    from ..export.formats import ExportFile

__all__ = ["export_command"]


def export_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ..export.apple import ExportError

    address = parsed_address(args)
    if address is None:
        return EXIT_USAGE
    profile = saved_profile(address, args)
    if profile is None:
        return EXIT_USAGE
    try:
        files = _render(args, profile)
    except (ValueError, ExportError) as exc:  # the format cannot say this account
        print(
            _("mailhop: cannot export as {format}: {reason}").format(
                format=args.format, reason=exc
            ),
            file=sys.stderr,
        )
        return EXIT_NOT_SET_UP
    if args.format in ("k9", "k9-qr-png", "k9-qr-svg"):
        from ..export.k9 import k9_note

        note = k9_note(profile)
        if note is not None:  # the file cannot name the issuer: the person hears it here
            print(note, file=sys.stderr)
    if args.output is None:
        sys.stdout.buffer.write(_one_stream(files))
        sys.stdout.flush()
        return EXIT_OK
    if len(files) > 1:  # Evolution: a folder of key files
        return _write_folder(parser, args, files)
    return _write_file(parser, args, profile, files[0].data)


def _render(args: argparse.Namespace, profile: AccountProfile) -> tuple[ExportFile, ...]:
    from ..export.formats import load_signer, render_export

    signer = None
    if args.format == "apple" and (args.sign_cert or args.sign_key):
        if not (args.sign_cert and args.sign_key):
            raise ValueError(_("signing needs both --sign-cert and --sign-key"))
        signer = load_signer(args.sign_cert, args.sign_key, args.sign_chain)
    return render_export(profile, args.format, signer=signer, reg_xml_path=args.xml_path)


def _one_stream(files: tuple[ExportFile, ...]) -> bytes:
    """One file as it is; several (Evolution) as one text with a marker before each."""
    if len(files) == 1:
        return files[0].data
    parts = [f"# --- {item.filename}\n{item.data.decode('utf-8')}" for item in files]
    return "\n".join(parts).encode("utf-8")


def _write_folder(
    parser: argparse.ArgumentParser, args: argparse.Namespace, files: tuple[ExportFile, ...]
) -> int:
    from ..export.formats import save_exports

    try:
        save_exports(files, args.output)
    except OSError as exc:
        parser.error(
            _("cannot write into {path}: {reason}").format(
                path=args.output, reason=exc.strerror or exc
            )
        )
    print(
        _("Wrote the Evolution source files into {path}.").format(path=args.output),
        file=sys.stderr,
    )
    return EXIT_OK


def _write_file(
    parser: argparse.ArgumentParser, args: argparse.Namespace, profile: AccountProfile, data: bytes
) -> int:
    from ..common.files import write_atomically

    try:
        write_atomically(args.output, data)
    except OSError as exc:
        parser.error(
            _("cannot write {path}: {reason}").format(path=args.output, reason=exc.strerror or exc)
        )
    print(
        _("Wrote {path} ({size} bytes, no password in it).").format(
            path=args.output, size=len(data)
        ),
        file=sys.stderr,
    )
    if args.format == "thunderbird":
        from ..export.thunderbird import autoconfig_instructions

        print(autoconfig_instructions(profile), file=sys.stderr)
    return EXIT_OK
