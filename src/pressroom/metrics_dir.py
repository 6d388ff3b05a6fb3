"""Where the processes of one node keep their metric files.

prometheus-client decides at import whether values live in memory or in files, so
``pressroom serve`` and ``pressroom worker`` call :func:`prepare_metrics_dir` before
anything imports ``pressroom.metrics``. This module must not import it either.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from pressroom.config import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
PID_IN_NAME = re.compile(r"_(\d+)\.db$")


def default_metrics_dir(settings: Settings) -> Path:
    """On local disk (the files are memory-mapped; never the shared home), one folder per
    node id, so the serve process and the workers of one node add up and two nodes on
    one machine do not."""
    node = re.sub(r"[^A-Za-z0-9._-]", "_", settings.node_id) or "node"
    return Path(tempfile.gettempdir()) / "pressroom-metrics" / node


def prepare_metrics_dir(settings: Settings) -> Path:
    """Point prometheus-client at the node's folder (kept if the environment names one)
    and remove the files of processes that no longer run."""
    configured = os.environ.get(MULTIPROC_ENV) or settings.metrics_dir
    folder = Path(configured) if configured else default_metrics_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    for file in folder.glob("*.db"):
        found = PID_IN_NAME.search(file.name)
        if found and not _alive(int(found.group(1))):
            file.unlink(missing_ok=True)
    os.environ[MULTIPROC_ENV] = str(folder)
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
