"""Uploaded files on disk, only while an import or a quota upload needs them.

The importer streams files from disk, so an upload is written to a folder of the
session's own. The folder holds only the files the upload widget currently lists
(a file taken out of the widget is deleted on the next run), is emptied when an import
or quota upload ends, and is removed with the session (or, at the latest, when the
server stops). Folders left by a server that was killed are swept on the next start.
Everything under the uploads root is bounded: an upload that would take it past
MAX_BYTES is refused.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path

import streamlit as st

ROOT = Path(tempfile.gettempdir()) / "sales-pipeline-uploads"
MAX_BYTES = 4 * 1024**3  # every session's uploads together
KEY = "upload_folder"


class TooLarge(Exception):
    """The upload would take the uploads on disk past MAX_BYTES; nothing was written."""


class SessionFolder:
    """A folder that is removed when this object is (the session ended) or at exit."""

    def __init__(self):
        ROOT.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=ROOT))
        self._remove = weakref.finalize(self, shutil.rmtree, self.path, True)

    def part(self, purpose: str) -> Path:
        """The subfolder of one upload widget (the import's, the quota file's)."""
        path = self.path / purpose
        path.mkdir(exist_ok=True)
        return path

    def clear(self, purpose: str) -> None:
        for entry in self.part(purpose).glob("*"):
            entry.unlink(missing_ok=True)


@st.cache_resource(show_spinner=False)
def sweep_leftovers() -> int:
    """Once per server: remove the folders of server processes that no longer run
    (a killed server cannot remove its own). Returns how many were removed."""
    removed = 0
    for folder in ROOT.glob("*-*") if ROOT.exists() else []:
        pid = folder.name.partition("-")[0]
        if pid.isdigit() and not process_runs(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def session_folder() -> SessionFolder:
    sweep_leftovers()
    if KEY not in st.session_state:
        st.session_state[KEY] = SessionFolder()
    return st.session_state[KEY]


def used_bytes() -> int:
    return sum(f.stat().st_size for f in ROOT.rglob("*") if f.is_file()) if ROOT.exists() else 0


def save(uploads, purpose: str) -> tuple[list[Path], list[str]]:
    """The files of one upload widget (``purpose``) on disk, each written once, and
    their names as uploaded. Files the widget no longer lists are deleted."""
    folder = session_folder().part(purpose)
    wanted = {f"{upload.file_id}-{Path(upload.name).name}": upload for upload in uploads}
    for entry in folder.glob("*"):
        if entry.name not in wanted:
            entry.unlink(missing_ok=True)
    new_bytes = sum(upload.size for name, upload in wanted.items() if not (folder / name).exists())
    if new_bytes and used_bytes() + new_bytes > MAX_BYTES:
        raise TooLarge(
            f"These files ({new_bytes / 1024**2:,.0f} MB) would take the uploads waiting on "
            f"this server past {MAX_BYTES / 1024**3:g} GB. Finish or clear other uploads first."
        )
    paths = []
    for name, upload in wanted.items():
        path = folder / name
        if not path.exists():
            path.write_bytes(upload.getbuffer())
        paths.append(path)
    return paths, [upload.name for upload in wanted.values()]


def discard(purpose: str) -> None:
    """Delete the session's files of one upload widget (its import or upload ended)."""
    if KEY in st.session_state:
        st.session_state[KEY].clear(purpose)
