"""Step 5 of the window: the account's files for the mail apps, its QR code and summary.

Rendering and writing the files run on the worker; the page shows what was saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .look import tr

if TYPE_CHECKING:
    from pathlib import Path

    from mailhop.core.account.profile import AccountProfile

    from .page_use import Signing
    from .window import MainWindow

__all__ = ["UseFlow"]


class UseFlow:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def profile(self) -> AccountProfile:
        """The profile setup saved: the sign-in page leads on only after a saved outcome."""
        assert self.window.profile is not None
        return self.window.profile

    def to_use(self) -> None:
        from mailhop.core.export.formats import render_export
        from mailhop.core.export.manual_values import manual_values

        window, profile = self.window, self.profile()
        window.use_page.prepare(
            profile.address_unicode, window.session.export_dir, manual_values(profile)
        )
        window.show_page(window.use_page)

        async def qr() -> bytes:
            return render_export(profile, "k9-qr-png")[0].data

        window.runner.submit(qr(), done=window.use_page.show_qr, failed=lambda error, _: None)

    def save_exports(
        self,
        formats: tuple[str, ...],
        folder: Path,
        signing: Signing | None,
        open_first: bool = False,
    ) -> None:
        from mailhop.core.export.formats import export_chosen, export_format, load_signer

        window, profile = self.window, self.profile()
        opened: list[Path] = []

        async def save() -> list[str]:
            signer = load_signer(*signing) if signing is not None else None
            lines: list[str] = []
            results = export_chosen(profile, formats, folder, signer=signer)
            for result in results:
                client = export_format(result.name).shown_client
                if result.error is not None:
                    lines.append(f"✗ {client}: {result.error}")
                else:
                    lines += [f"✓ {client}: {path}" for path in result.paths]
            if open_first and results[0].paths:
                opened.append(results[0].paths[0])
            return lines

        def saved(lines: list[str]) -> None:
            window.use_page.show_saved(lines)
            for path in opened:  # the system's own handler: installs a profile, imports a .reg
                window.open_file(path)

        def failed(error: BaseException, _: str) -> None:
            window.use_page.show_saved([tr("Nothing was saved: {m}").format(m=error)])

        window.runner.submit(save(), done=saved, failed=failed)

    def copy_summary(self) -> None:
        from mailhop.core.export.formats import render_export

        profile = self.profile()

        async def sheet() -> str:
            return render_export(profile, "sheet")[0].data.decode("utf-8")

        self.window.runner.submit(
            sheet(), done=self.window.use_page.summary_copied, failed=self.window.failed
        )
