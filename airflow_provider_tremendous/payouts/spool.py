"""Where the validation pass spools recipient data (emails, names, phones), and how none of it is left behind.

Each run spools into its own directory, ``<tmp>/tremendous-spool-<uid>/<owner>/<run>/`` where ``<owner>`` is a hash
of the payout (vendor, payout id, shard): every level is created ``0700`` (owned by this user; a symlink or another
owner's directory is refused), so no other user can read a recipient's address. A run holds an exclusive
``flock`` on ``<run>/.lock`` while it lives and removes its directory on every exit path (:meth:`RunSpool.close`
in a ``finally``). A SIGKILL (or a power cut) skips that: the directory stays, but the kernel drops the lock, so the
next run of the same payout finds a directory whose lock it can take, knows its owner is dead, and removes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import IO

LOCK_NAME = ".lock"


class SpoolError(OSError):
    """The spool directory is not private to this user (another owner, a symlink, a wider mode)."""


def _private_dir(path: Path) -> Path:
    """``path`` as a ``0700`` directory of this user, created if missing; refused if it is anything else."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise SpoolError(f"{path} is not a directory of this user: refusing to spool recipient data there")
    if stat.S_IMODE(info.st_mode) != 0o700:
        path.chmod(0o700)
    return path


def owner_of(vendor: str, payout_id: str, shard: tuple[int, int]) -> str:
    """The name of a payout's spool directory: a hash, so no payout id (or anything in it) shows in ``/tmp``."""
    return hashlib.sha256(f"{vendor}\x1f{payout_id}\x1f{shard[0]}/{shard[1]}".encode()).hexdigest()[:20]


def spool_root(base: str | os.PathLike[str] | None = None) -> Path:
    """This user's private spool root under the temp directory."""
    return _private_dir(Path(base or tempfile.gettempdir()) / f"tremendous-spool-{os.getuid()}")


def remove_stale(owned: Path) -> list[Path]:
    """Remove run directories under ``owned`` whose run is gone (their lock can be taken); return them."""
    removed = []
    for run in owned.iterdir():
        lock_path = run / LOCK_NAME
        if not run.is_dir() or run.is_symlink() or not lock_path.exists():
            continue  # a run still being set up holds its lock before .lock appears
        try:
            with lock_path.open("a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(run, ignore_errors=True)  # its owner died: nobody else will clean it
                removed.append(run)
        except BlockingIOError:
            continue  # a live run
        except FileNotFoundError:
            continue  # removed meanwhile
    return removed


class RunSpool:
    """One run's private spool directory, locked while the run lives; :meth:`close` removes it."""

    def __init__(self, vendor: str, payout_id: str, shard: tuple[int, int], base: str | None = None) -> None:
        owned = _private_dir(spool_root(base) / owner_of(vendor, payout_id, shard))
        self.stale_removed = remove_stale(owned)
        self.path = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=owned))  # 0700
        pending = self.path / f"{LOCK_NAME}.new"
        self._lock: IO[str] | None = pending.open("w")
        fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        pending.rename(self.path / LOCK_NAME)  # appears already locked: no sweeper can take it for stale

    def file(self, prefix: str) -> IO[str]:
        """A new ``0600`` JSONL file in this run's directory, open for writing."""
        return tempfile.NamedTemporaryFile("w", suffix=".jsonl", prefix=prefix, dir=self.path, delete=False)

    def close(self) -> None:
        """Remove the directory and everything in it, then release the lock (idempotent)."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()
            self._lock = None
