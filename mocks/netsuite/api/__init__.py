"""The NetSuite vendor API: SuiteTalk REST records, metadata, SuiteQL, async jobs and the OAuth 2.0 token
endpoint, as thin blueprints over domain/."""

from __future__ import annotations

from flask import Blueprint

from . import async_jobs, metadata, oauth2, query, records


def blueprints() -> list[Blueprint]:
    """The vendor API's blueprints (authentication and governance are the pipeline's, installed by create_app)."""
    return [metadata.bp, records.bp, async_jobs.bp, oauth2.bp, query.bp]
