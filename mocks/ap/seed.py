"""Seed data: {"seed": n, "vendors": k, "customers": c, "bills": m, "vendor_credits": v, "invoices": i}
(faker, reproducible) or {"records": {...}} (explicit, with "ref" names and "vendorRef"/"customerRef")."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mocks.core.app import Emulator
from mocks.core.errors import ApiError
from mocks.core.validation import Invalid

from . import errors as X
from .domain import bills, classifications, parties, receivables
from .domain import documents as docs
from .domain.common import Ctx, ext_id
from .models import ApClassification, ApDocument
from .services import ApServices

BASE: dict[str, list[tuple[str, str | None, str | None]]] = {
    "chart-of-accounts": [
        ("6000 Office Expenses", "6000", "EXPENSE"),
        ("6100 Software", "6100", "EXPENSE"),
        ("6200 Travel", "6200", "EXPENSE"),
        ("5000 Cost of Goods Sold", "5000", "COST_OF_GOODS_SOLD"),
        ("4000 Sales", "4000", "INCOME"),
        ("2000 Accounts Payable", "2000", "ACCOUNTS_PAYABLE"),
    ],
    "departments": [("Unclassified", None, None), ("Operations", None, None), ("Sales", None, None)],
    "accounting-classes": [("Unclassified", None, None), ("Retail", None, None)],
    "locations": [("Unclassified", None, None), ("Headquarters", None, None)],
}
COUNT_KEYS = {"seed", "vendors", "customers", "bills", "vendor_credits", "invoices"}


def _base(session: Session, ctx: Ctx) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for kind, rows in BASE.items():
        existing = (
            session.execute(
                select(ApClassification).where(ApClassification.kind == kind).order_by(ApClassification.pk)
            )
            .scalars()
            .all()
        )
        if not existing:
            for name, number, atype in rows:
                body: dict[str, Any] = {"name": name}
                if kind == "chart-of-accounts":
                    body["account"] = {"number": number, "type": atype}
                existing.append(classifications.create(session, ctx, kind, body))  # type: ignore[attr-defined]
        out[kind] = [ext_id(kind, c.pk) for c in existing if not c.archived]
    return out


def _count(body: dict[str, Any], key: str) -> int:
    value = body.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise X.invalid_seed(f"'{key}' must be an integer between 0 and 100000.")
    return value


def _faker(session: Session, ctx: Ctx, body: dict[str, Any], threshold: int) -> dict[str, Any]:
    unknown = sorted(set(body) - COUNT_KEYS)
    if unknown:
        raise X.invalid_seed(f"Unknown seed keys: {', '.join(unknown)}.")
    from faker import Faker  # noqa: F811 - imported on first use (start-up time)

    fake = Faker("en_US")
    fake.seed_instance(_count(body, "seed"))
    cls = _base(session, ctx)
    expense = cls["chart-of-accounts"][:4]
    out: dict[str, Any] = {
        "classifications": cls,
        "vendors": [],
        "customers": [],
        "bills": [],
        "vendor_credits": [],
        "invoices": [],
    }
    for _ in range(_count(body, "vendors") or (1 if body.get("bills") or body.get("vendor_credits") else 0)):
        person = fake.random.random() < 0.3
        v = {
            "name": fake.name() if person else fake.company(),
            "accountType": "PERSON" if person else "BUSINESS",
            "email": fake.email(),
            "phone": fake.numerify("##########"),
            "address": {
                "line1": fake.street_address(),
                "city": fake.city(),
                "stateOrProvince": fake.state_abbr(),
                "zipOrPostalCode": fake.zipcode(),
                "country": "US",
            },
        }
        out["vendors"].append(ext_id("vendor", parties.create(session, ctx, "vendor", v).pk))
    for _ in range(_count(body, "customers") or (1 if body.get("invoices") else 0)):
        c = {"name": fake.company(), "accountType": "BUSINESS", "email": fake.company_email()}
        out["customers"].append(ext_id("customer", parties.create(session, ctx, "customer", c).pk))
    today = ctx.now.date()
    for n in range(_count(body, "bills")):
        inv_date = today - timedelta(days=fake.random_int(0, 30))
        lines = [
            {
                "amount": fake.random_int(1000, 200000) / 100,
                "description": fake.bs().capitalize(),
                "classifications": {
                    "chartOfAccountId": fake.random_element(expense),
                    "departmentId": fake.random_element(cls["departments"]),
                },
            }
            for _ in range(fake.random_int(1, 3))
        ]
        b = {
            "vendorId": fake.random_element(out["vendors"]),
            "dueDate": (inv_date + timedelta(days=30)).isoformat(),
            "invoice": {
                "invoiceNumber": f"INV-{n + 1:05d}-{fake.numerify('####')}",
                "invoiceDate": inv_date.isoformat(),
            },
            "description": fake.catch_phrase(),
            "billLineItems": lines,
        }
        out["bills"].append(bills.create_bill(session, ctx, b, threshold)["id"])
    for n in range(_count(body, "vendor_credits")):
        vc = {
            "vendorId": fake.random_element(out["vendors"]),
            "referenceNumber": f"VC-{n + 1:05d}",
            "creditDate": today.isoformat(),
            "vendorCreditLineItems": [
                {
                    "amount": fake.random_int(500, 20000) / 100,
                    "classifications": {"chartOfAccountId": expense[0]},
                }
            ],
        }
        out["vendor_credits"].append(bills.create_credit(session, ctx, vc)["id"])
    # Invoice numbers are unique per organisation: a second seed continues after those already taken.
    taken = set(session.execute(select(ApDocument.number).where(ApDocument.doc_type == "invoice")).scalars())
    numbers = (f"AR-{k:05d}" for k in itertools.count(1) if f"AR-{k:05d}" not in taken)
    for _ in range(_count(body, "invoices")):
        i = {
            "customerId": fake.random_element(out["customers"]),
            "invoiceNumber": next(numbers),
            "invoiceDate": today.isoformat(),
            "dueDate": (today + timedelta(days=30)).isoformat(),
            "invoiceLineItems": [
                {
                    "quantity": fake.random_int(1, 5),
                    "price": fake.random_int(1000, 50000) / 100,
                    "description": fake.bs().capitalize(),
                    "classifications": {"chartOfAccountId": cls["chart-of-accounts"][4]},
                }
            ],
        }
        out["invoices"].append(receivables.create_invoice(session, ctx, i)["id"])
    return out


def _resolve(value: Any, refs: dict[str, str]) -> Any:
    """Replace "xxxRef" keys by "xxxId" and string values naming a ref by its id, recursively."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k.endswith("Ref") and isinstance(v, str):
                if v not in refs:
                    raise X.invalid_seed(f"Unknown ref '{v}' in '{k}'.")
                out[k[:-3] + "Id"] = refs[v]
            else:
                out[k] = _resolve(v, refs)
        return out
    if isinstance(value, list):
        return [_resolve(v, refs) for v in value]
    if isinstance(value, str) and value.startswith("ref:"):
        if value[4:] not in refs:
            raise X.invalid_seed(f"Unknown ref '{value[4:]}'.")
        return refs[value[4:]]
    return value


def _records(session: Session, ctx: Ctx, records: dict[str, Any], threshold: int) -> dict[str, Any]:
    refs: dict[str, str] = {}
    out: dict[str, Any] = {"refs": refs}
    cls = records.get("classifications") or {}
    if not isinstance(cls, dict) or set(cls) - set(classifications.KINDS):
        raise X.invalid_seed(f"classifications must map {', '.join(classifications.KINDS)} to lists.")
    order = [
        ("vendors", "vendor"),
        ("customers", "customer"),
        ("vendor_credits", None),
        ("bills", None),
        ("invoices", None),
    ]
    unknown = set(records) - {"classifications"} - {k for k, _ in order}
    if unknown:
        raise X.invalid_seed(f"Unknown record types: {', '.join(sorted(unknown))}.")
    for kind, rows in cls.items():
        for raw in rows:
            raw = dict(raw)
            ref, active = raw.pop("ref", None), raw.pop("active", True)
            row = classifications.create(session, ctx, kind, raw)
            row.archived = not active
            if ref:
                refs[ref] = ext_id(kind, row.pk)
    for key, role in order:
        for raw in records.get(key) or []:
            raw = _resolve(dict(raw), refs)
            ref = raw.pop("ref", None)
            synced, approval = raw.pop("synced", False), raw.pop("approvalStatus", None)
            if role:
                new_id = ext_id(role, parties.create(session, ctx, role, raw).pk)
            elif key == "bills":
                new_id = bills.create_bill(session, ctx, raw, threshold)["id"]
            elif key == "vendor_credits":
                new_id = bills.create_credit(session, ctx, raw)["id"]
            else:
                new_id = receivables.create_invoice(session, ctx, raw)["id"]
            if synced or approval:
                if key not in ("bills", "vendor_credits", "invoices"):
                    raise X.invalid_seed("synced/approvalStatus apply to documents only.")
                d = docs.get(
                    session,
                    {"bills": "bill", "vendor_credits": "vendor_credit", "invoices": "invoice"}[key],
                    new_id,
                )
                d.synced = bool(synced)
                if approval:
                    if approval not in docs.APPROVAL_STATES:
                        raise X.invalid_seed(f"approvalStatus must be one of {docs.APPROVAL_STATES}.")
                    d.approval_status = approval
            out.setdefault(key, []).append(new_id)
            if ref:
                refs[ref] = new_id
    return out


def seed(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Create seed data in one transaction; domain refusals come back as 400 with the BILL message."""
    st = ApServices.of(emu).settings
    try:
        with emu.store.write() as s:
            ctx = Ctx(org_id=st.org_id, user_id=st.user_id, now=emu.clock.now(s))
            if "records" in body:
                if not isinstance(body["records"], dict):
                    raise X.invalid_seed("records must be an object.")
                return _records(s, ctx, body["records"], st.approval_threshold_cents)
            return _faker(s, ctx, body, st.approval_threshold_cents)
    except (ApiError, Invalid) as exc:
        err = X.invalid(exc) if isinstance(exc, Invalid) else exc
        if err.code.startswith("BDC_"):
            raise ApiError(err.status, "INVALID_SEED", f"{err.code}: {err.message}", path=err.path) from None
        raise
    except (TypeError, AttributeError) as exc:
        raise X.invalid_seed(f"Malformed seed records: {exc}") from None
