"""Refreshing a whole folder: worker processes, each file isolated, a progress bar, a summary.

Workers return plain data (status, message, the JSON result), never live objects, so the main
process only collects; one bad file becomes one line in the summary and the run goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kitameldung.batch.verlauf import batch_data
from kitameldung.pipeline import Settings, check_file
from kitameldung.refresh import FAILED, UNCHANGED, refresh_file
from kitameldung.workbook.atomic import lock_file
from kitameldung.workbook.fingerprint import ResultCache, settings_key
from kitameldung.workbook.ours import own_file_kind, own_file_note

SKIPPED = "übersprungen"  # our own outputs (Behördenfassung, overview): no facility reports
LOCKED = "gesperrt"  # open in Excel or LibreOffice right now


@dataclass(frozen=True)
class BatchItem:
    path: str
    status: str  # aktualisiert | unverändert | gesperrt | übersprungen | fehler
    message: str
    data: dict[str, Any] | None  # result_json of the file, when it could be read
    peak_rss_mb: float = 0.0

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class _Job:
    settings: Settings
    key: str
    cache: Path | None


def _peak_rss_mb() -> float:
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 1024 if sys.platform != "darwin" else peak / 2**20
    except (ImportError, OSError):  # Windows has no resource module
        return 0.0


_JOB: _Job | None = None


def _init(job: _Job) -> None:
    global _JOB
    _JOB = job
    if multiprocessing.parent_process() is not None:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    _die_with_parent()


def _die_with_parent() -> None:
    """On Linux a worker ends when the main process is killed, instead of running on."""
    if not sys.platform.startswith("linux") or multiprocessing.parent_process() is None:
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(0)  # the main process died before the signal was set up: no signal will come


def _refresh_one(path: str) -> BatchItem:
    job = _JOB
    assert job is not None
    file = Path(path)
    try:
        if (kind := own_file_kind(file)) is not None:
            return BatchItem(path, SKIPPED, own_file_note(file, kind), None, _peak_rss_mb())
        cache = ResultCache(job.cache) if job.cache else None
        if lock_file(file) is not None:
            # Open elsewhere: not written, but read (a file open in Excel can be read) so that
            # the overview keeps its figures.
            result = check_file(file, job.settings)
            data = batch_data(result) if result.ok else None
            message = f"{file.name}: in Excel oder LibreOffice geöffnet – nicht aktualisiert (Zahlen aus der Datei)."
            return BatchItem(path, LOCKED, message, data, _peak_rss_mb())
        if cache is not None and (hit := cache.lookup(file, job.key)) is not None:
            return BatchItem(path, UNCHANGED, f"{file.name}: unverändert.", hit, _peak_rss_mb())
        outcome = refresh_file(file, job.settings)
        data = batch_data(outcome.result) if outcome.result is not None else None
        if data is not None and outcome.planning is not None:
            data["planung"] = outcome.planning
        if cache is not None and data is not None and outcome.status != FAILED:
            cache.store(file, job.key, data)
        return BatchItem(path, outcome.status, outcome.message, data, _peak_rss_mb())
    except Exception as err:  # one file must never stop the run
        return BatchItem(
            path,
            FAILED,
            f"{file.name}: unerwarteter Fehler ({type(err).__name__}: {err}). Bitte melden.",
            None,
        )


def refresh_many(
    files: list[Path],
    settings: Settings,
    workers: int | None = None,
    cache: ResultCache | None = None,
    progress: Callable[[BatchItem], None] | None = None,
) -> list[BatchItem]:
    """Refresh `files` in parallel; results in the order of `files`. A worker process that dies
    (a reader crashing on a hostile file) costs only the file it was working on."""
    job = _Job(settings, settings_key(settings), cache.folder if cache else None)
    workers = max(1, min(workers or os.cpu_count() or 1, len(files) or 1))
    names = [str(f) for f in files]
    if workers == 1:
        _init(job)
        items = []
        for item in map(_refresh_one, names):
            items.append(item)
            if progress:
                progress(item)
        return items
    done: dict[str, BatchItem] = {}
    chunk = max(1, min(16, len(names) // (workers * 8) or 1))
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(job,))
    try:
        for name, item in zip(names, pool.map(_refresh_one, names, chunksize=chunk)):
            done[name] = item
            if progress:
                progress(item)
        pool.shutdown()
    except BrokenProcessPool:
        pool.shutdown(wait=False, cancel_futures=True)
        # Which file killed the worker is unknown: the rest go one by one, each in a process of its own.
        for name in names:
            if name not in done:
                done[name] = _isolated(name, job)
                if progress:
                    progress(done[name])
    except BaseException:  # Ctrl-C: files being written finish atomically, no new ones start
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    return [done[name] for name in names]


def _isolated(name: str, job: _Job) -> BatchItem:
    try:
        with ProcessPoolExecutor(max_workers=1, initializer=_init, initargs=(job,)) as pool:
            return pool.submit(_refresh_one, name).result()
    except BrokenProcessPool:
        return BatchItem(
            name,
            FAILED,
            f"{Path(name).name}: Beim Lesen dieser Datei ist das Leseprogramm abgestürzt; die Datei ist "
            "vermutlich beschädigt oder manipuliert. Sie wurde nicht verändert. Bitte in Excel öffnen "
            "und neu speichern oder aus der Sicherung holen.",
            None,
        )
