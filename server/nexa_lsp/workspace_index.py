"""The workspace index: every .nx/.nxlib file under the workspace folders, parsed into the shared
`Workspace` at start (with work-done progress), with its includes followed, and kept current by
`workspace/didChangeWatchedFiles`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lsprotocol import types

from nexa_lang.model import NEXA_SOURCE_SUFFIXES, Workspace
from nexa_lsp.documents import path_of

if TYPE_CHECKING:
    from nexa_lsp.server import NexaServer

log = logging.getLogger(__name__)
SKIPPED_FOLDERS = {"node_modules", "__pycache__", ".git", ".venv", "venv", ".hg", ".svn"}
CONFIG_FILES = ("nexa.toml", "pyproject.toml")
WATCHER_ID = "nexa-watched-files"


def nexa_files(root: str) -> Iterator[str]:
    """Every .nx/.nxlib file under `root`, sorted, skipping hidden and tool folders."""
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED_FOLDERS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(NEXA_SOURCE_SUFFIXES):
                yield os.path.join(folder, name)


class WorkspaceIndex:
    def __init__(self, server: NexaServer) -> None:
        self.server = server
        self.paths: set[str] = set()  # normalised paths of the indexed files

    def roots(self) -> list[str]:
        folders = [path_of(f.uri) for f in self.server.workspace.folders.values()]
        roots = [f for f in folders if f]
        if not roots and self.server.workspace.root_path:
            roots = [self.server.workspace.root_path]
        return roots

    async def index_all(self) -> None:
        """Parse every file of the workspace folders, reporting progress to the client."""
        paths = [p for root in self.roots() for p in nexa_files(root)]
        progress = self.server.work_done_progress
        token = f"nexa-index-{uuid.uuid4()}"
        reporting = self._client_shows_progress()
        if reporting:
            try:
                await progress.create_async(token)
            except Exception:
                log.warning("the client refused a progress token; indexing without progress")
                reporting = False
        if reporting:
            progress.begin(
                token,
                types.WorkDoneProgressBegin(
                    title="Indexing Nexa files", message=f"0/{len(paths)}", percentage=0, cancellable=False
                ),
            )
        for number, path in enumerate(paths, 1):
            self.add(path)
            if reporting and (number % 10 == 0 or number == len(paths)):
                progress.report(
                    token,
                    types.WorkDoneProgressReport(
                        message=f"{number}/{len(paths)}", percentage=number * 100 // max(len(paths), 1)
                    ),
                )
            await asyncio.sleep(0)  # let requests through between files
        if reporting:
            progress.end(token, types.WorkDoneProgressEnd(message=f"indexed {len(paths)} file(s)"))

    def add(self, path: str) -> None:
        """Parse `path` (and, through its program, every file it includes) into the workspace."""
        model = self.server.model
        try:
            file = model.file(path)
            if file is None:
                return
            self.paths.add(Workspace.key(path))
            for included in model.program(file).files:
                if included.path:
                    self.paths.add(Workspace.key(included.path))
        except Exception:
            log.exception("indexing %s failed", path)

    def includers(self, path: str) -> list[str]:
        """Indexed files whose programs include `path`."""
        return self.server.model.includers(path, sorted(self.paths))

    def _client_shows_progress(self) -> bool:
        window = self.server.client_capabilities.window
        return bool(window and window.work_done_progress)

    # --- watching -----------------------------------------------------------------------------

    async def register_watcher(self) -> None:
        workspace = self.server.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if not (watched and watched.dynamic_registration):
            return
        patterns = ["**/*.nx", "**/*.nxlib", *(f"**/{name}" for name in CONFIG_FILES)]
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=p) for p in patterns]
        )
        registration = types.Registration(
            id=WATCHER_ID, method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
        )
        try:
            await self.server.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except Exception:
            log.warning(
                "the client refused to watch files; changes on disk are noticed when files are opened"
            )

    def files_changed(self, changes: list[types.FileEvent]) -> None:
        """React to files created, changed or deleted on disk."""
        configuration_changed = False
        for change in changes:
            path = path_of(change.uri)
            if path is None:
                continue
            if os.path.basename(path) in CONFIG_FILES:
                configuration_changed = True
                continue
            if self.server.documents.by_path(path) is not None:
                continue  # the open document overrides the disk
            self.server.model.invalidate(path)
            key = Workspace.key(path)
            if change.type == types.FileChangeType.Deleted:
                self.paths.discard(key)
            else:
                self.add(path)
            self.server.documents.generation += 1
            # Dependencies include missing includes too, so a created include refreshes its includers.
            self.server.diagnostics.refresh_dependents(path)
        if configuration_changed:
            self.server.diagnostics.configuration_changed()
