"""The workspace index: every .nx/.nxlib file under the workspace folders, parsed into the shared
`Workspace` at start (with work-done progress), with its includes followed, and kept current by
`workspace/didChangeWatchedFiles`. It also tells which roots of the workspace include a library, so
that the library is checked as part of their programs (diagnostics.md §2.1).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lsprotocol import types

from nexa_lang.model import NEXA_SOURCE_SUFFIXES, SourceFile, Workspace
from nexa_lsp.documents import path_of

if TYPE_CHECKING:
    from nexa_lsp.documents import Document
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
        # Libraries opened while indexing were checked before their including roots were known.
        for document in self.open_libraries():
            self.server.diagnostics.schedule(document)

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

    def including_roots(self, path: str | None) -> list[str]:
        """The program roots of the workspace (indexed files and open documents, the editor's text
        before the disk's) that include the library `path`, in the order `nexa-lsp --check` takes
        the files of the workspace folders. Empty when `path` is itself a root: a root is checked as
        its own program (§2.1), and so is a library no root includes."""
        if path is None:
            return []
        try:
            file = self._current(path)
            if file is None or file.is_program_root:
                return []
            key = Workspace.key(path)
            open_paths = {Workspace.key(d.path) for d in self.server.documents if d.path}
            roots = [
                candidate
                for candidate in sorted((self.paths | open_paths) - {key})
                if (root := self._current(candidate)) is not None and root.is_program_root
            ]
            return sorted(self.server.model.includers(path, roots), key=self._walk_order)
        except Exception:  # a failure here must not stop the check: the file is checked on its own
            log.exception("finding the roots that include %s failed", path)
            return []

    def open_libraries(self, reached_from: str | None = None) -> list[Document]:
        """The open documents that are libraries; with `reached_from`, only those (other than it)
        in the program of that root, or in the programs of the roots including that library: a
        change there can make a root include them (they depend on it only once included)."""
        skip = Workspace.key(reached_from) if reached_from is not None else None
        documents = [d for d in self.server.documents if d.path and Workspace.key(d.path) != skip]
        try:
            libraries = [d for d in documents if not d.file.is_program_root]
            if reached_from is None or not libraries:
                return libraries  # (the common case while typing: no other open library to look for)
            start = self._current(reached_from)
            if start is None:
                return []
            roots = [start] if start.is_program_root else self._files(self.including_roots(reached_from))
            reached = {
                Workspace.key(f.path)
                for root in roots
                for f in self.server.model.program(root).files
                if f.path
            }
            return [d for d in libraries if Workspace.key(d.path or "") in reached]
        except Exception:
            log.exception("finding the open libraries reached from %s failed", reached_from)
            return []

    def _current(self, path: str) -> SourceFile | None:
        """The file at `path`: an open document's current text (parsed now if it was edited since),
        else the disk's."""
        document = self.server.documents.by_path(path)
        return document.file if document is not None else self.server.model.file(path)

    def _files(self, paths: list[str]) -> list[SourceFile]:
        return [file for path in paths if (file := self._current(path)) is not None]

    def _walk_order(self, path: str) -> tuple[int, list[tuple[int, str]]]:
        """Sort key: the order in which `nexa-lsp --check` walks the workspace folders (folder by
        folder; in each directory its files, then its subdirectories, each by name). Files outside
        the folders (open documents) come last."""
        folders = [Workspace.key(root) for root in self.roots()]
        for number, folder in enumerate(folders):
            try:
                relative = os.path.relpath(path, folder)
            except ValueError:  # another drive
                continue
            if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
                *directories, name = relative.split(os.sep)
                return number, [(1, d) for d in directories] + [(0, name)]
        return len(folders), [(0, path)]

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
