"""Writing bearer secrets (redemption links, reward credentials) to a file only its owner can read.

A LINK reward's link and a gift card's code and PIN *are* the money: whoever reads them can redeem. They are
never put in XCom, trigger events, logs or result files; an operator writes them only when the user names a file
(``redemption_links_path=`` / ``credentials_path=``). The file is created with mode ``0600``; an existing file is
appended to only if it is a regular file owned by this user that nobody else can read or write (no symlink is
followed), so a secret never lands where others can read it.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from airflow_provider_tremendous.core.errors import ConfigurationError


def append_private_records(path: str | os.PathLike[str], records: Iterable[Mapping[str, Any]]) -> int:
    """Append ``records`` as JSON lines to ``path`` (created ``0600``), and return how many were written.

    :raises ConfigurationError: when ``path`` exists as something other than a private regular file of
        this user (mode wider than ``0600``, another owner, a symlink, a directory, a FIFO); nothing is written then.
    """
    lines = [json.dumps(dict(record), sort_keys=True, default=str) + "\n" for record in records]
    if not lines:
        return 0
    with _open_private(path) as handle:
        handle.writelines(lines)
    return len(lines)


def check_private_file(path: str | os.PathLike[str]) -> None:
    """Make sure ``path`` can take secrets (creating it empty, ``0600``), *before* anything is paid: a file refused
    after the payment would leave the secret uncaptured.

    :raises ConfigurationError: as :func:`append_private_records` would.
    """
    with _open_private(path):
        pass


def recorded_values(path: str | os.PathLike[str], field: str) -> set[str]:
    """The values of ``field`` in the JSON lines already in ``path`` (none if it does not exist yet): what an
    earlier try already wrote, so a retry does not write it again."""
    target = Path(path).expanduser()
    if not target.is_file():
        return set()
    found = set()
    with _open_private(target) as handle:
        handle.seek(0)
        for line in handle:
            try:
                found.add(str(json.loads(line)[field]))
            except (ValueError, KeyError, TypeError):
                continue
    return found


def _open_private(path: str | os.PathLike[str]) -> Any:
    """``path`` opened for appending (created ``0600``) once it is certain to be this user's private regular file.
    No symlink is followed and a FIFO cannot block the open (``O_NONBLOCK``)."""
    target = Path(path).expanduser()
    flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(target, flags, 0o600)
    except OSError as error:
        raise ConfigurationError(
            f"cannot write the secrets file {str(target)!r}: {error.strerror} (a symlink is refused)"
        ) from None
    info = os.fstat(descriptor)
    owner = getattr(os, "getuid", lambda: info.st_uid)()
    if not stat.S_ISREG(info.st_mode) or info.st_uid != owner or info.st_mode & 0o077:
        os.close(descriptor)
        raise ConfigurationError(
            f"refusing to write secrets to {str(target)!r}: it exists with mode {stat.S_IMODE(info.st_mode):04o} "
            "or another owner, or is not a regular file; it must be a file of this user readable by nobody else "
            "(chmod 600), or not exist"
        )
    return os.fdopen(descriptor, "a+", encoding="utf-8")
