"""Asynchronous requests (``Prefer: respond-async``): the job queue, idempotency keys and the async processors.

A job is the request as sent, stored until a processor runs it. The processors (``JobRunner``: a thread in
every served worker, or ``act/run_async_jobs``) run pending jobs in submission order through an executor
the app supplies (the API layer replays the request through the app), and keep the response as the job's
result: succeeded below 400, failed from 400.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from mocks.core.clock import Clock
from mocks.core.store import Store

from ..errors import idempotency_conflict, nonexistent_id
from ..models import NsAsyncJob

_MAX_ID = 2**63 - 1
#: Where a job's Location headers point when it was stored without the caller's base URL.
_DEFAULT_BASE = "http://127.0.0.1/"


@dataclass(frozen=True)
class JobRequest:
    """The request a job replays: method, decoded path, query string, body, forwarded headers, caller's base URL."""

    method: str
    path: str
    query: str
    body: str
    headers: dict[str, str]
    base: str


#: Runs a job's request: (status, the response headers worth keeping, body).
Executor = Callable[[JobRequest], tuple[int, dict[str, str], bytes]]


def job_url(base: str, job_id: int) -> str:
    """The job's URL under the caller's base URL (``http://host/``)."""
    return f"{base}services/rest/async/v1/job/{job_id}"


def queue_job(store: Store, clock: Clock, request: JobRequest, key: str | None) -> int:
    """Store a request as a pending job; a key already used answers IDEMPOTENCY_ERROR naming the first job."""
    with store.write() as session:
        if key:
            existing = session.execute(
                select(NsAsyncJob).where(NsAsyncJob.idempotency_key == key)
            ).scalar_one_or_none()
            if existing is not None:
                raise idempotency_conflict(job_url(request.base, existing.id))
        # The replay renders Locations for the caller's host.
        headers = {**request.headers, "_base": request.base}
        job = NsAsyncJob(
            idempotency_key=key or None,
            method=request.method,
            path=request.path,
            query=request.query,
            body=request.body,
            headers=json.dumps(headers),
            progress="pending",
            created_at=clock.now(session).isoformat(),
            result_headers="{}",
            result_body="",
        )
        session.add(job)
        session.flush()
        return job.id


def load_job(store: Store, job_id: int) -> NsAsyncJob:
    """The job, or NONEXISTENT_ID."""
    if job_id > _MAX_ID:  # beyond a 64-bit key: no such job (the database driver would overflow)
        raise nonexistent_id()
    with store.read() as session:
        job = session.get(NsAsyncJob, job_id)
    if job is None:
        raise nonexistent_id()
    return job


def is_completed(job: NsAsyncJob) -> bool:
    """True once the job ran, whatever its outcome."""
    return job.progress in ("succeeded", "failed")


class JobRunner:
    """The async processors of one app: pending jobs run in submission order through ``execute``."""

    def __init__(self, store: Store, clock: Clock, execute: Executor) -> None:
        self.store = store
        self.clock = clock
        self.execute = execute

    def run_pending(self, limit: int = 100) -> list[dict[str, Any]]:
        """Execute pending jobs in submission order; returns what ran (job id and response status)."""
        ran = []
        with self.store.read() as session:
            ids = list(
                session.execute(
                    select(NsAsyncJob.id)
                    .where(NsAsyncJob.progress == "pending")
                    .order_by(NsAsyncJob.id)
                    .limit(limit)
                ).scalars()
            )
        for job_id in ids:
            with self.store.write() as session:
                job = session.get(NsAsyncJob, job_id)
                if job is None or job.progress != "pending":
                    continue
                job.progress = "processing"
                job.started_at = self.clock.now(session).isoformat()
                headers = json.loads(job.headers)
                base = headers.pop("_base", _DEFAULT_BASE)
                request = JobRequest(job.method, job.path, job.query, job.body, headers, base)
            code, result_headers, payload = self.execute(request)
            with self.store.write() as session:
                job = session.get(NsAsyncJob, job_id)
                assert job is not None
                job.progress = "succeeded" if code < 400 else "failed"
                job.result_status = code
                job.result_headers = json.dumps(result_headers)
                job.result_body = payload.decode("utf-8", "replace")
                job.finished_at = self.clock.now(session).isoformat()
            ran.append({"job": job_id, "status": code})
        return ran

    def start(self, interval: float = 0.2) -> None:
        """Run jobs from a daemon thread (servers); tests call act/run_async_jobs instead."""

        def _loop() -> None:
            while True:
                threading.Event().wait(interval)
                try:
                    self.run_pending()
                except Exception:  # noqa: BLE001 - the processor must outlive one bad job
                    pass

        threading.Thread(target=_loop, name="ns-async", daemon=True).start()
