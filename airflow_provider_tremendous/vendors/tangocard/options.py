"""The Tango Card options of a payout run, declared once: the paying account, the item and the reward email.

:class:`TangoOptions` is what :class:`~airflow_provider_tremendous.vendors.tangocard.payouts.TangoCardPayoutAdapter`
takes; :data:`PAYOUT_OPTIONS` (its field names) is what the registry's factory picks from a run's options, and
:func:`tango_options` is how the bulk and reconcile operators build their templated ``tango_options`` dict. This
module imports nothing heavy: operators call it while a DAG file is parsed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class TangoOptions:
    """The Tango Card options of a payout (the operators' Tango Card arguments, by the same names and order).

    :param utid: the catalog item of rows that name none in their ``products`` column.
    :param customer_identifier, account_identifier: the paying account (default: the connection's extras).
    :param etid: email template for emailed rewards.
    :param sender: ``{"firstName", "lastName", "email"}`` shown as the sender.
    :param message, email_subject: the reward email's text.
    """

    utid: str | None = None
    customer_identifier: str | None = None
    account_identifier: str | None = None
    etid: str | None = None
    sender: dict[str, str] | None = None
    message: str | None = None
    email_subject: str | None = None

    @classmethod
    def given(cls, options: Mapping[str, Any]) -> TangoOptions:
        """The Tango Card options of a run's ``options`` that are set (``None`` and ``""`` are left out, so the
        connection's extras apply); other vendors' options are ignored."""
        return cls(**{name: options[name] for name in PAYOUT_OPTIONS if options.get(name) not in (None, "")})

    def email_fields(self) -> dict[str, Any]:
        """The ``POST /orders`` fields of the reward email, by Tango Card's names (``None`` where not set)."""
        return {"etid": self.etid, "sender": self.sender, "message": self.message, "emailSubject": self.email_subject}


#: The run options a Tango Card payout reads (the bulk and reconcile operators' Tango Card arguments).
PAYOUT_OPTIONS: tuple[str, ...] = tuple(field.name for field in fields(TangoOptions))


def tango_options(**given: Any) -> dict[str, Any]:
    """An operator's templated ``tango_options`` dict: the Tango Card arguments it takes (each operator takes its
    own subset), in :class:`TangoOptions` order. A name that is no option is a ``TypeError``, as in a call."""
    unknown = sorted(set(given) - set(PAYOUT_OPTIONS))
    if unknown:
        raise TypeError(f"not a Tango Card option: {', '.join(unknown)}")
    return {name: given[name] for name in PAYOUT_OPTIONS if name in given}
