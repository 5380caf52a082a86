"""The values a person types into a mail app's manual form, named as Thunderbird names them.

Thunderbird's "Configure manually" form is the one most other apps copy (the new Outlook,
Apple Mail's and Android apps' manual screens use the same fields), so its field names are
the ones shown: "Hostname", "Connection security", "Authentication method". The names and the
drop-down words are N_ msgids, translated where shown: a German window says what a German
Thunderbird says. The values themselves (host, port, user name) are the verified profile's.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..account.profile import AccountProfile, EndpointSetting
from ..common.i18n import Words, _
from ..common.model import Service
from .table import THUNDERBIRD_FORM

__all__ = ["FormField", "FormSection", "manual_values"]

_PROTOCOLS = {Service.IMAP: "IMAP", Service.POP3: "POP3", Service.SUBMISSION: "SMTP"}


@dataclass(frozen=True, slots=True)
class FormField:
    label: str  # in the person's language
    value: str  # as typed; host names, ports and user names are not translated


@dataclass(frozen=True, slots=True)
class FormSection:
    title: str  # in the person's language; "" for the account's own fields
    fields: tuple[FormField, ...]


def _server(title: str, setting: EndpointSetting, *, protocol: bool) -> FormSection:
    fields = [FormField(_("Protocol"), _PROTOCOLS.get(setting.service, setting.service.value))]
    fields = fields if protocol else []
    fields += [
        FormField(_("Hostname"), setting.host),
        FormField(_("Port"), str(setting.port)),
        FormField(
            _("Connection security"), str(Words(THUNDERBIRD_FORM.security(setting.security)))
        ),
        FormField(
            _("Authentication method"), str(Words(THUNDERBIRD_FORM.auth(setting.auth_method)))
        ),
        FormField(_("Username"), setting.username),
    ]
    return FormSection(title, tuple(fields))


def manual_values(profile: AccountProfile) -> tuple[FormSection, ...]:
    """Your name and address, then the incoming and outgoing server's fields, in form order.

    Raises table.Untranslatable for a setting the form has no word for (none today)."""
    account = FormSection(
        "",
        (
            FormField(_("Your full name"), profile.display_name),
            FormField(_("Email address"), profile.address_unicode),
        ),
    )
    return (
        account,
        _server(_("Incoming server"), profile.incoming, protocol=True),
        _server(_("Outgoing server"), profile.outgoing, protocol=False),
    )
