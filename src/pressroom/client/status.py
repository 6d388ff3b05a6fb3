"""The JSON the export API answers with, as typed values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

JobState = Literal["incomplete", "complete", "error", "cancelled"]
JOB_STATES: frozenset[str] = frozenset({"incomplete", "complete", "error", "cancelled"})


@dataclass(frozen=True, slots=True)
class ExportStatus:
    """``GET .../exports/{jobId}/status``: where a job stands."""

    job_id: str
    status: JobState
    step: int
    total_steps: int
    step_progress: int
    download_url: str | None = None
    message: str | None = None
    log: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, job_id: str, data: Mapping[str, Any]) -> ExportStatus:
        state = data.get("status")
        if state not in JOB_STATES:
            raise ValueError(f"unknown export status {state!r}")
        return cls(
            job_id=job_id,
            status=state,
            step=int(data.get("step") or 0),
            total_steps=int(data.get("totalSteps") or 0),
            step_progress=int(data.get("stepProgress") or 0),
            download_url=data.get("downloadUrl"),
            message=data.get("message"),
            log=tuple(str(entry) for entry in data.get("log") or ()),
        )

    @property
    def finished(self) -> bool:
        return self.status != "incomplete"

    @property
    def fraction_done(self) -> float:
        """Overall progress from 0.0 to 1.0, counting finished steps and the current one."""
        if self.status == "complete":
            return 1.0
        if self.total_steps <= 0 or self.step <= 0:
            return 0.0
        done = (self.step - 1) + self.step_progress / 100
        return min(1.0, done / self.total_steps)


@dataclass(frozen=True, slots=True)
class Template:
    """One entry of the template list."""

    id: str
    name: str
    space_key: str | None
    type: str
    creator: str | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Template:
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or ""),
            space_key=data.get("spaceKey"),
            type=str(data.get("type") or ""),
            creator=data.get("creator"),
        )
