"""Backup and restore of every event stream (the source of truth).

A backup is either a directory (one ``<stream_id>.jsonl`` per stream plus
``manifest.json``) or a single ``.jsonl`` file with the lines of every
stream one after another. The lines are ``eventstore`` export lines:
restoring reproduces every event exactly, hashes included; positions are new.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from eventstore import selectors as es_selectors
from eventstore.services import stream_import


@dataclass
class BackupResult:
    streams: int
    events: int
    path: str


def _all_stream_ids() -> list[str]:
    return sorted(s.stream_id for s in es_selectors.stream_list(limit=10**9))


def backup_write(*, path: str, stream_ids: Iterable[str] | None = None) -> BackupResult:
    """Export every stream (live, finished or archived) to ``path``."""
    ids = list(stream_ids) if stream_ids is not None else _all_stream_ids()
    target = Path(path)
    events = 0
    manifest: dict[str, Any] = {"created_at": timezone.now().isoformat(), "streams": {}}
    single = target.suffix == ".jsonl"
    if single:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".jsonl.partial")
        with open(tmp, "w", encoding="utf-8") as fh:
            for stream_id in ids:
                lines = list(es_selectors.stream_export(stream_id))
                fh.writelines(line + "\n" for line in lines)
                events += len(lines)
        os.replace(tmp, target)
    else:
        target.mkdir(parents=True, exist_ok=True)
        for stream_id in ids:
            lines = list(es_selectors.stream_export(stream_id))
            info = es_selectors.stream_info(stream_id)
            file = target / f"{stream_id}.jsonl"
            with open(file, "w", encoding="utf-8") as fh:
                fh.writelines(line + "\n" for line in lines)
            manifest["streams"][stream_id] = {
                "file": file.name,
                "events": len(lines),
                "last_hash": json.loads(lines[-1])["hash"] if lines else None,
                "status": info.status,
            }
            events += len(lines)
        (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return BackupResult(streams=len(ids), events=events, path=str(target))


def _group_lines(lines: Iterable[str]) -> Iterator[tuple[str, list[str]]]:
    """(stream_id, its lines) for a file holding several streams one after another."""
    current: str | None = None
    batch: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        stream_id = json.loads(line)["stream_id"]
        if stream_id != current and batch:
            yield current, batch  # type: ignore[misc]
            batch = []
        current = stream_id
        batch.append(line)
    if batch:
        yield current, batch  # type: ignore[misc]


def backup_streams(path: str) -> Iterator[tuple[str, list[str]]]:
    source = Path(path)
    if source.is_dir():
        for file in sorted(source.glob("*.jsonl")):
            yield from _group_lines(file.read_text(encoding="utf-8").splitlines())
    else:
        with open(source, encoding="utf-8") as fh:
            yield from _group_lines(fh)


def backup_restore(*, path: str, replace: bool = False, rebuild: bool = True) -> dict[str, Any]:
    """Import every stream of a backup (verified as imported), then rebuild projections."""
    from eventstore.services import snapshots_rebuild
    from games.housekeeping import projections_rebuild

    restored: list[str] = []
    events = 0
    for stream_id, lines in backup_streams(path):
        result = stream_import(lines, replace=replace)
        restored.append(stream_id)
        events += result.event_count
    summary: dict[str, Any] = {"streams": len(restored), "events": events}
    if rebuild and restored:
        summary["snapshots"] = snapshots_rebuild(restored)
        summary["projections"] = projections_rebuild(stream_ids=restored)
    return summary
