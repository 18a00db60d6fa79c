"""Machine and process resource usage (psutil), cheap enough for every scrape."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import psutil
from django.conf import settings

_process_lock = threading.Lock()
_process: psutil.Process | None = None


def data_path() -> str:
    """The volume that fills up: the SQLite file's directory, else the project."""
    db = settings.DATABASES["default"]
    name = str(db.get("NAME") or "")
    if (
        db["ENGINE"].endswith("sqlite3")
        and name
        and name != ":memory:"
        and "mode=memory" not in name
    ):
        return os.path.dirname(os.path.abspath(name)) or str(settings.BASE_DIR)
    return str(settings.BASE_DIR)


def _this_process() -> psutil.Process:
    global _process
    with _process_lock:
        if _process is None or _process.pid != os.getpid():
            _process = psutil.Process()
            _process.cpu_percent(None)  # prime the interval measurement
        return _process


_cpu_lock = threading.Lock()
_cpu_sample: tuple[float, float] | None = None  # (monotonic time, percent)
CPU_MIN_INTERVAL = 1.0


def machine_cpu_percent() -> float:
    """Machine CPU utilisation over at least the last second (cached in between).

    ``psutil.cpu_percent(None)`` measures since its previous call; calls a few
    milliseconds apart are noise, so a new figure is taken at most once a
    second and the first one blocks for 0.1 s.
    """
    global _cpu_sample
    with _cpu_lock:
        now = time.monotonic()
        if _cpu_sample is None:
            _cpu_sample = (now, psutil.cpu_percent(interval=0.1))
        elif now - _cpu_sample[0] >= CPU_MIN_INTERVAL:
            _cpu_sample = (now, psutil.cpu_percent(None))
        return _cpu_sample[1]


def resource_usage() -> dict[str, Any]:
    """CPU (since the previous call), memory and disk figures for this machine."""
    memory = psutil.virtual_memory()
    try:
        disk = psutil.disk_usage(data_path())
        disk_percent, disk_free, disk_total = disk.percent, disk.free, disk.total
    except OSError:
        disk_percent, disk_free, disk_total = 0.0, 0, 0
    proc = _this_process()
    with proc.oneshot():
        rss = proc.memory_info().rss
        proc_cpu = proc.cpu_percent(None)
        threads = proc.num_threads()
        try:
            fds = proc.num_fds()
        except (AttributeError, psutil.Error):
            fds = None
    try:
        load = os.getloadavg()
    except OSError:
        load = (0.0, 0.0, 0.0)
    return {
        "cpu_percent": machine_cpu_percent(),
        "cpu_count": psutil.cpu_count() or 1,
        "load_average": [round(x, 2) for x in load],
        "memory_percent": memory.percent,
        "memory_total_bytes": memory.total,
        "memory_available_bytes": memory.available,
        "disk_percent": disk_percent,
        "disk_free_bytes": disk_free,
        "disk_total_bytes": disk_total,
        "process": {
            "pid": os.getpid(),
            "cpu_percent": proc_cpu,
            "memory_rss_bytes": rss,
            "threads": threads,
            "open_files": fds,
        },
    }
