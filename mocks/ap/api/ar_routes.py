"""AR routes: invoices and the payments received against them."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..domain import documents, payments, receivables
from . import body, read, write

bp = Blueprint("ap_ar", __name__, url_prefix="/connect/v3")


@bp.get("/invoices")
def list_invoices() -> Response:
    """List invoices."""
    return read(lambda s, c: documents.listing(s, "invoice", request.args))


@bp.post("/invoices")
def create_invoice() -> Response:
    """Create an invoice."""
    data = body()
    return write(lambda s, c: receivables.create_invoice(s, c, data))


@bp.get("/invoices/<iid>")
def get_invoice(iid: str) -> Response:
    """Get one invoice."""
    return read(lambda s, c: documents.render(s, documents.get(s, "invoice", iid)))


@bp.patch("/invoices/<iid>")
def update_invoice(iid: str) -> Response:
    """Update an invoice (refused once synced)."""
    data = body()
    return write(lambda s, c: receivables.update_invoice(s, c, iid, data))


@bp.post("/invoices/record-payment")
def record_invoice_payment() -> Response:
    """Record a payment received from a customer."""
    data = body()
    return write(lambda s, c: receivables.record_payment(s, c, data))


@bp.get("/receivable-payments")
def list_received() -> Response:
    """List payments received."""
    return read(lambda s, c: payments.listing(s, "AR", request.args))


@bp.get("/receivable-payments/<pid>")
def get_received(pid: str) -> Response:
    """Get one payment received."""
    return read(lambda s, c: payments.render(s, payments.get(s, "AR", pid)))


@bp.post("/receivable-payments/<pid>/void")
def void_received(pid: str) -> Response:
    """Void a payment received (the invoices' balances are restored)."""
    return write(lambda s, c: payments.void(s, c, "AR", pid))
