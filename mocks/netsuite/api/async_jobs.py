"""Asynchronous requests (``Prefer: respond-async``): submitting a job, and the job, task and result routes.

The queue, idempotency keys and the processors are in ``domain/async_jobs.py``; this module parses requests,
renders jobs, and replays a job's request through the app for the processors (``replay_through``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Flask, Response, request
from werkzeug.test import EnvironBuilder, run_wsgi_app

from mocks.core.app import Emulator, current_emulator

from ..domain.async_jobs import Executor, JobRequest, is_completed, job_url, load_job, queue_job
from ..errors import invalid_header, nonexistent_id, task_not_completed
from ..models import NsAsyncJob

bp = Blueprint("ns_async", __name__, url_prefix="/services/rest/async/v1/job")
_IDEMPOTENCY = "X-NetSuite-Idempotency-Key"
_FORWARDED = ("Content-Type", "X-NetSuite-PropertyNameValidation", "X-NetSuite-PropertyValueValidation")
#: The WSGI environ key marking a job's replay (the pipeline skips auth and governance for it).
INTERNAL = "erpsim.async_job"
#: The response headers a job's result keeps.
_KEPT = ("Location", "Content-Type")


def submit_async(emu: Emulator) -> Response:
    """Queue the current request as a job: 202 and the job's Location (one job per idempotency key)."""
    key = request.headers.get(_IDEMPOTENCY)
    if key is not None and (not key.strip() or len(key) > 200 or "\x00" in key):
        raise invalid_header(f"Invalid value for header {_IDEMPOTENCY}.", _IDEMPOTENCY)
    job = JobRequest(
        method=request.method,
        path=request.path,
        query=request.query_string.decode(),
        body=request.get_data(as_text=True),
        headers={h: request.headers[h] for h in _FORWARDED if h in request.headers},
        base=request.url_root,
    )
    job_id = queue_job(emu.store, emu.clock, job, key)
    return Response(
        status=202,
        headers={"Location": job_url(request.url_root, job_id), "Preference-Applied": "respond-async"},
    )


def replay_through(app: Flask) -> Executor:
    """The processors' executor: a job's request replayed through the app (inside the journal and faults)."""
    inner = app.extensions["erpsim_inner_wsgi"]

    def execute(job: JobRequest) -> tuple[int, dict[str, str], bytes]:
        # The stored path is decoded; quoted again so '?', '#' or '%' in an id stay part of the path.
        builder = EnvironBuilder(
            path=quote(job.path),
            method=job.method,
            query_string=job.query,
            data=job.body.encode(),
            headers=list(job.headers.items()),
            base_url=job.base,
        )
        environ = builder.get_environ()
        environ[INTERNAL] = True
        app_iter, status, resp_headers = run_wsgi_app(inner, environ)
        payload = b"".join(app_iter)
        return int(status.split()[0]), {k: v for k, v in resp_headers.items() if k in _KEPT}, payload

    return execute


def _job(job_id: int) -> NsAsyncJob:
    return load_job(current_emulator().store, job_id)


def _json(body: Any) -> Response:
    return Response(json.dumps(body), content_type="application/vnd.oracle.resource+json; type=singular")


@bp.get("/<int:job_id>")
def get_job(job_id: int) -> Response:
    """A job: completed, progress and its task link."""
    job = _job(job_id)
    url = job_url(request.url_root, job_id)
    return _json(
        {
            "links": [{"rel": "self", "href": url}],
            "completed": is_completed(job),
            "id": str(job_id),
            "progress": job.progress,
            "task": {"links": [{"rel": "related", "href": f"{url}/task"}]},
        }
    )


@bp.get("/<int:job_id>/task")
def list_tasks(job_id: int) -> Response:
    """The job's tasks (one per request)."""
    _job(job_id)
    url = f"{job_url(request.url_root, job_id)}/task"
    return _json(
        {
            "links": [{"rel": "self", "href": url}],
            "count": 1,
            "hasMore": False,
            "offset": 0,
            "totalResults": 1,
            "items": [{"links": [{"rel": "self", "href": f"{url}/1"}], "id": "1"}],
        }
    )


@bp.get("/<int:job_id>/task/<int:task_id>")
def get_task(job_id: int, task_id: int) -> Response:
    """The task's progress, start and end, and the link to its result."""
    job = _job(job_id)
    if task_id != 1:
        raise nonexistent_id()
    url = f"{job_url(request.url_root, job_id)}/task/1"
    body: dict[str, Any] = {
        "links": [{"rel": "self", "href": url}, {"rel": "related", "href": f"{url}/result"}],
        "completed": is_completed(job),
        "progress": job.progress,
        "id": "1",
    }
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
        raise task_not_completed()
    headers = json.loads(job.result_headers)
    return Response(job.result_body or None, status=job.result_status, headers=headers)
