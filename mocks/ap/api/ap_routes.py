"""AP routes: vendors, customers, classifications, bills, vendor credits, payments, funding accounts."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mocks.core.app import current_emulator

from .. import auth
from ..domain import bills, classifications, documents, parties, payments
from ..services import ApServices
from . import body, read, write

bp = Blueprint("ap_api", __name__, url_prefix="/connect/v3")
KIND = "<any(" + ", ".join(f'"{k}"' for k in classifications.KINDS) + "):kind>"


def _role(collection: str) -> str:
    return "vendor" if collection == "vendors" else "customer"


def _threshold() -> int:
    return ApServices.of(current_emulator()).settings.approval_threshold_cents


# ---- vendors and customers ------------------------------------------------------------------
def list_parties(collection: str) -> Response:
    """List vendors or customers (filters, sort, max, page)."""
    return read(lambda s, c: parties.listing(s, _role(collection), request.args))


def create_party(collection: str) -> Response:
    """Create a vendor or customer."""
    data = body()
    return write(lambda s, c: parties.render(parties.create(s, c, _role(collection), data)))


def get_party(collection: str, pid: str) -> Response:
    """Get one vendor or customer."""
    return read(lambda s, c: parties.render(parties.get(s, _role(collection), pid)))


def update_party(collection: str, pid: str) -> Response:
    """Update some fields of a vendor or customer."""
    data = body()
    return write(lambda s, c: parties.render(parties.update(s, c, _role(collection), pid, data)))


def archive_party(collection: str, pid: str, op: str) -> Response:
    """Archive or restore a vendor or customer."""
    return write(
        lambda s, c: parties.render(parties.set_archived(s, c, _role(collection), pid, op == "archive"))
    )


for _coll in ("vendors", "customers"):
    bp.add_url_rule(
        f"/{_coll}", f"list_{_coll}", list_parties, methods=["GET"], defaults={"collection": _coll}
    )
    bp.add_url_rule(
        f"/{_coll}", f"create_{_coll}", create_party, methods=["POST"], defaults={"collection": _coll}
    )
    bp.add_url_rule(
        f"/{_coll}/<pid>", f"get_{_coll}", get_party, methods=["GET"], defaults={"collection": _coll}
    )
    bp.add_url_rule(
        f"/{_coll}/<pid>", f"update_{_coll}", update_party, methods=["PATCH"], defaults={"collection": _coll}
    )
    for _op in ("archive", "restore"):
        bp.add_url_rule(
            f"/{_coll}/<pid>/{_op}",
            f"{_op}_{_coll}",
            archive_party,
            methods=["POST"],
            defaults={"collection": _coll, "op": _op},
        )


# ---- classifications ------------------------------------------------------------------------
@bp.get(f"/classifications/{KIND}")
def list_classifications(kind: str) -> Response:
    """List chart of accounts, departments, accounting classes or locations."""
    return read(lambda s, c: classifications.listing(s, kind, request.args))


@bp.post(f"/classifications/{KIND}")
def create_classification(kind: str) -> Response:
    """Create a classification."""
    data = body()
    return write(lambda s, c: classifications.render(classifications.create(s, c, kind, data)))


@bp.get(f"/classifications/{KIND}/<cid>")
def get_classification(kind: str, cid: str) -> Response:
    """Get one classification."""
    return read(lambda s, c: classifications.render(classifications.get(s, kind, cid)))


def archive_classification(kind: str, cid: str, op: str) -> Response:
    """Archive (inactivate) or restore a classification."""
    return write(
        lambda s, c: classifications.render(classifications.set_archived(s, c, kind, cid, op == "archive"))
    )


# ---- bills ----------------------------------------------------------------------------------
@bp.get("/bills")
def list_bills() -> Response:
    """List bills."""
    return read(lambda s, c: documents.listing(s, "bill", request.args))


@bp.post("/bills")
def create_bill() -> Response:
    """Create a bill with line items (the hottest write)."""
    data = body()
    threshold = _threshold()
    return write(lambda s, c: bills.create_bill(s, c, data, threshold))


@bp.get("/bills/<bid>")
def get_bill(bid: str) -> Response:
    """Get one bill."""
    return read(lambda s, c: documents.render(s, documents.get(s, "bill", bid)))


@bp.patch("/bills/<bid>")
def update_bill(bid: str) -> Response:
    """Update a bill (vendor, invoice and lines are locked once synced)."""
    data = body()
    threshold = _threshold()
    return write(lambda s, c: bills.update_bill(s, c, bid, data, threshold))


def archive_bill(bid: str, op: str) -> Response:
    """Archive or restore a bill."""
    return write(lambda s, c: bills.set_bill_archived(s, c, bid, op == "archive"))


for _op in ("archive", "restore"):
    bp.add_url_rule(
        f"/classifications/{KIND}/<cid>/{_op}",
        f"{_op}_classification",
        archive_classification,
        methods=["POST"],
        defaults={"op": _op},
    )
    bp.add_url_rule(
        f"/bills/<bid>/{_op}", f"{_op}_bill", archive_bill, methods=["POST"], defaults={"op": _op}
    )


@bp.post("/bills/record-payment")
def record_payment() -> Response:
    """Record a payment made outside BILL against bills of one vendor."""
    data = body()
    return write(lambda s, c: payments.record(s, c, data))


# ---- vendor credits -------------------------------------------------------------------------
@bp.get("/vendor-credits")
def list_credits() -> Response:
    """List vendor credits."""
    return read(lambda s, c: documents.listing(s, "vendor_credit", request.args))


@bp.post("/vendor-credits")
def create_credit() -> Response:
    """Create a vendor credit."""
    data = body()
    return write(lambda s, c: bills.create_credit(s, c, data))


@bp.get("/vendor-credits/<vid>")
def get_credit(vid: str) -> Response:
    """Get one vendor credit with its usage."""
    return read(lambda s, c: documents.render(s, documents.get(s, "vendor_credit", vid)))


@bp.patch("/vendor-credits/<vid>")
def update_credit(vid: str) -> Response:
    """Update a vendor credit."""
    data = body()
    return write(lambda s, c: bills.update_credit(s, c, vid, data))


# ---- payments -------------------------------------------------------------------------------
@bp.get("/payments")
def list_payments() -> Response:
    """List AP payments."""
    return read(lambda s, c: payments.listing(s, "AP", request.args))


@bp.post("/payments")
def create_payment() -> Response:
    """Pay a bill through BILL (needs an MFA-trusted session)."""
    payments.require_trusted(auth.ctx())  # before the body is read: BILL refuses the session first
    data = body()
    bank = ApServices.of(current_emulator()).settings.bank_account_id
    return write(lambda s, c: payments.pay(s, c, data, bank))


@bp.get("/payments/<pid>")
def get_payment(pid: str) -> Response:
    """Get one AP payment."""
    return read(lambda s, c: payments.render(s, payments.get(s, "AP", pid)))


@bp.post("/payments/<pid>/void")
def void_payment(pid: str) -> Response:
    """Void a PAID payment (balances are restored)."""
    return write(lambda s, c: payments.void(s, c, "AP", pid))


@bp.post("/payments/<pid>/cancel")
def cancel_payment(pid: str) -> Response:
    """Cancel a SCHEDULED payment."""
    return write(lambda s, c: payments.cancel(s, c, pid))


@bp.get("/funding-accounts/banks")
def list_banks() -> Response:
    """The organization's verified bank accounts."""
    bank = ApServices.of(current_emulator()).settings.bank_account_id
    return read(lambda s, c: payments.funding_banks(bank))
