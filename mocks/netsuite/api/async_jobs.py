"""Asynchronous requests (``Prefer: respond-async``): jobs, tasks, results and idempotency keys."""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Flask, Response, request
from sqlalchemy import select
from werkzeug.test import EnvironBuilder, run_wsgi_app

from mocks.core.app import Emulator, current_emulator
from mocks.core.errors import ApiError

from ..errors import nonexistent_id
from ..models import NsAsyncJob

bp = Blueprint("ns_async", __name__, url_prefix="/services/rest/async/v1/job")
_IDEMPOTENCY = "X-NetSuite-Idempotency-Key"
_MAX_ID = 2**63 - 1
_FORWARDED = ("Content-Type", "X-NetSuite-PropertyNameValidation", "X-NetSuite-PropertyValueValidation")


def _job_url(job_id: int) -> str:
    return f"{request.url_root}services/rest/async/v1/job/{job_id}"


def submit_async(emu: Emulator) -> Response:
    """Queue the current request as a job: 202 and the job's Location (one job per idempotency key)."""
    key = request.headers.get(_IDEMPOTENCY)
    if key is not None and (not key.strip() or len(key) > 200 or "\x00" in key):
        raise ApiError(400, "INVALID_HEADER", f"Invalid value for header {_IDEMPOTENCY}.",
                       extra={"header": _IDEMPOTENCY})
    with emu.store.write() as session:
        if key:
            existing = session.execute(select(NsAsyncJob).where(NsAsyncJob.idempotency_key == key)).scalar_one_or_none()
            if existing is not None:
                raise ApiError(400, "IDEMPOTENCY_ERROR", 'A request with the same idempotency key is already '
                               'submitted. See the "Location" header for the original request.',
                               headers={"Location": _job_url(existing.id)}, extra={"title": "Conflict"})
        headers = {h: request.headers[h] for h in _FORWARDED if h in request.headers}
        headers["_base"] = request.url_root  # the replay renders Locations for the caller's host
        job = NsAsyncJob(idempotency_key=key or None, method=request.method, path=request.path,
                         query=request.query_string.decode(), body=request.get_data(as_text=True),
                         headers=json.dumps(headers), progress="pending",
                         created_at=emu.clock.now(session).isoformat(), result_headers="{}", result_body="")
        session.add(job)
        session.flush()
        job_id = job.id
    return Response(status=202, headers={"Location": _job_url(job_id), "Preference-Applied": "respond-async"})


def run_pending_jobs(app: Flask, emu: Emulator, limit: int = 100) -> list[dict[str, Any]]:
    """Execute pending jobs in submission order (the async processors); returns what ran."""
    ran = []
    inner = app.extensions["erpsim_inner_wsgi"]
    with emu.store.read() as session:
        ids = list(session.execute(select(NsAsyncJob.id).where(NsAsyncJob.progress == "pending")
                                   .order_by(NsAsyncJob.id).limit(limit)).scalars())
    for job_id in ids:
        with emu.store.write() as session:
            job = session.get(NsAsyncJob, job_id)
            if job is None or job.progress != "pending":
                continue
            job.progress = "processing"
            job.started_at = emu.clock.now(session).isoformat()
            method, path, query, body, headers = job.method, job.path, job.query, job.body, json.loads(job.headers)
        base = headers.pop("_base", "http://127.0.0.1/")
        # The stored path is decoded; quoted again so '?', '#' or '%' in an id stay part of the path.
        builder = EnvironBuilder(path=quote(path), method=method, query_string=query, data=body.encode(), headers=headers,
                                 base_url=base)
        environ = builder.get_environ()
        environ["erpsim.async_job"] = True
        app_iter, status, resp_headers = run_wsgi_app(inner, environ)
        payload = b"".join(app_iter)
        code = int(status.split()[0])
        with emu.store.write() as session:
            job = session.get(NsAsyncJob, job_id)
            assert job is not None
            job.progress = "succeeded" if code < 400 else "failed"
            job.result_status = code
            job.result_headers = json.dumps({k: v for k, v in resp_headers.items() if k in ("Location",
                                                                                           "Content-Type")})
            job.result_body = payload.decode("utf-8", "replace")
            job.finished_at = emu.clock.now(session).isoformat()
        ran.append({"job": job_id, "status": code})
    return ran


def start_job_runner(app: Flask, emu: Emulator, interval: float = 0.2) -> None:
    """Run jobs from a daemon thread (servers); tests call act/run_async_jobs instead."""
    def _loop() -> None:
        while True:
            threading.Event().wait(interval)
            try:
                run_pending_jobs(app, emu)
            except Exception:  # noqa: BLE001 - the processor must outlive one bad job
                pass

    threading.Thread(target=_loop, name="ns-async", daemon=True).start()


def _job(job_id: int) -> NsAsyncJob:
    if job_id > _MAX_ID:  # beyond a 64-bit key: no such job (the database driver would overflow)
        raise nonexistent_id()
    with current_emulator().store.read() as session:
        job = session.get(NsAsyncJob, job_id)
    if job is None:
        raise nonexistent_id()
    return job


def _json(body: Any) -> Response:
    return Response(json.dumps(body), content_type="application/vnd.oracle.resource+json; type=singular")


@bp.get("/<int:job_id>")
def get_job(job_id: int) -> Response:
    """A job: completed, progress and its task link."""
    job = _job(job_id)
    url = _job_url(job_id)
    return _json({"links": [{"rel": "self", "href": url}], "completed": job.progress in ("succeeded", "failed"),
                  "id": str(job_id), "progress": job.progress,
                  "task": {"links": [{"rel": "related", "href": f"{url}/task"}]}})


@bp.get("/<int:job_id>/task")
def list_tasks(job_id: int) -> Response:
    """The job's tasks (one per request)."""
    _job(job_id)
    url = f"{_job_url(job_id)}/task"
    return _json({"links": [{"rel": "self", "href": url}], "count": 1, "hasMore": False, "offset": 0,
                  "totalResults": 1, "items": [{"links": [{"rel": "self", "href": f"{url}/1"}], "id": "1"}]})


@bp.get("/<int:job_id>/task/<int:task_id>")
def get_task(job_id: int, task_id: int) -> Response:
    """The task's progress, start and end, and the link to its result."""
    job = _job(job_id)
    if task_id != 1:
        raise nonexistent_id()
    url = f"{_job_url(job_id)}/task/1"
    body: dict[str, Any] = {"links": [{"rel": "self", "href": url}, {"rel": "related", "href": f"{url}/result"}],
                            "completed": job.progress in ("succeeded", "failed"), "progress": job.progress,
                            "id": "1"}
    if job.started_at:
        body["startTime"] = job.started_at
    if job.finished_at:
        body["endTime"] = job.finished_at
    return _json(body)


@bp.get("/<int:job_id>/task/<int:task_id>/result")
def get_result(job_id: int, task_id: int) -> Response:
    """The response the request produced (status, Location and body), once completed."""
    job = _job(job_id)
    if task_id != 1:
        raise nonexistent_id()
    if job.result_status is None:
        raise ApiError(404, "NONEXISTENT_ID", "The task has not completed yet; its result does not exist.")
    headers = json.loads(job.result_headers)
    return Response(job.result_body or None, status=job.result_status, headers=headers)
