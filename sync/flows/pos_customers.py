"""pos-customers: POS (Sitoo) customers -> NetSuite customers, matched by email, never duplicated.

A customer signed up at a till is matched to an existing NetSuite customer by email (case-insensitive,
SuiteQL on ``customer.email``); only when there is none is one created, keyed by an externalId derived from the
email (or, without an email, from the Sitoo user id), so a crash or an ambiguous create cannot make a second
one. Two NetSuite customers with the same email is a ``duplicate_customer`` exception, never a guess. The
mapping (Sitoo user -> NetSuite customer) is kept in the engine's id map. The same resolver gives pos-sales the
customer of a sale (by the order's email; a walk-in customer when there is none).

The ``no-email-match`` mutant skips the look-up and creates a customer every time it meets one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from typing import Any

from sqlalchemy import select

from ..errors import ApiRefusal
from ..state import IdMapping
from .base import Context, Flow
from .stockmaps import REUSE_SECONDS, per_pass

WALK_IN = "POS-WALKIN"


def email_key(email: str) -> str:
    """The externalId of the NetSuite customer the engine creates for an email (stable, allowed characters)."""
    return "POS-EMAIL-" + hashlib.sha1(email.strip().lower().encode()).hexdigest()[:20]


class DuplicateCustomer(Exception):
    """NetSuite holds several customers with the same email: which one is meant is for a person to decide."""

    def __init__(self, email: str, ids: list[str]) -> None:
        super().__init__(f"NetSuite has {len(ids)} customers with email {email} ({', '.join(ids)})")
        self.email, self.ids = email, ids


class CustomerResolver:
    """Email -> NetSuite customer id, looked up or created once (cached for the pass)."""

    def __init__(self, ctx: Context, subsidiary: str) -> None:
        self.ctx, self.subsidiary = ctx, subsidiary
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    def for_email(self, email: str, names: dict[str, Any] | None = None, context: str = "") -> str:
        """The customer with this email: found by email, else created (``context`` names who asked)."""
        key = email.strip().lower()
        if self.ctx.safeguards.off("no-email-match"):
            # the naive connector creates a customer whenever it meets one
            return self._create(f"POS-{context or secrets.token_hex(4)}", email, names)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        known = self.ctx.state.mapped("netsuite", "customer-email", key)
        if known is None:
            quoted = key.replace("'", "''")
            rows = self.ctx.netsuite.suiteql(
                f"SELECT id FROM customer WHERE LOWER(email) = '{quoted}' AND isinactive = 'F' ORDER BY id"
            )
            ids = [str(r["id"]) for r in rows]
            if len(ids) > 1:
                raise DuplicateCustomer(email, ids)
            known = ids[0] if ids else self._create(email_key(key), email, names)
            self.ctx.state.set_mapping("netsuite", "customer-email", key, known)
        with self._lock:
            self._cache[key] = known
        return known

    def walk_in(self) -> str:
        """The customer of sales without an email (one per account, upserted by its externalId)."""
        with self._lock:
            if WALK_IN in self._cache:
                return self._cache[WALK_IN]
        found = self.ctx.netsuite.find_eid("customer", WALK_IN, expand=False)
        rid = (
            str(found["id"])
            if found
            else self.ctx.netsuite.upsert(
                "customer",
                WALK_IN,
                {
                    "companyName": "POS walk-in customers",
                    "isPerson": False,
                    "subsidiary": {"id": self.subsidiary},
                },
            )
        )
        with self._lock:
            self._cache[WALK_IN] = rid
        return rid

    def without_email(self, external_id: str, names: dict[str, Any]) -> str:
        """A customer nothing can match (no email): created once under its own externalId."""
        return self._create(external_id, "", names)

    def _create(self, external_id: str, email: str, names: dict[str, Any] | None) -> str:
        names = names or {}
        body: dict[str, Any] = {
            "subsidiary": {"id": self.subsidiary},
            "isPerson": True,
            "firstName": str(names.get("namefirst") or email.split("@")[0] or "POS")[:32],
            "lastName": str(names.get("namelast") or "(POS)")[:32],
        }
        if email:
            body["email"] = email
        if names.get("mobile"):
            body["phone"] = str(names["mobile"])[:32]
        if names.get("company"):
            body["companyName"] = str(names["company"])
        if self.ctx.safeguards.on("no-idempotency"):
            body["externalId"] = external_id
        created = self.ctx.netsuite.create_keyed("customer", body)
        self.ctx.stats.add("pos-customers", "customers_created")
        return created


def default_subsidiary(ctx: Context) -> str:
    """The subsidiary POS customers and postings belong to (the first active one; read once per pass)."""

    def load(ctx: Context) -> str:
        rows = ctx.netsuite.suiteql("SELECT id FROM subsidiary WHERE isinactive = 'F' ORDER BY id")
        return str(rows[0]["id"]) if rows else ""

    return per_pass(ctx, "subsidiary", load, REUSE_SECONDS)


class PosCustomersFlow(Flow):
    """POS customers into NetSuite, matched by email."""

    name = "pos-customers"
    systems = ("netsuite", "pos")
    description = "POS customers -> NetSuite customers, matched by email (never duplicated)"

    def run(self, ctx: Context) -> None:
        """Map every POS customer not yet mapped (or changed) to a NetSuite customer."""
        assert ctx.pos is not None
        resolver = CustomerResolver(ctx, default_subsidiary(ctx))
        with ctx.state.tx() as s:
            known = {
                row.key: json.loads(row.data)
                for row in s.scalars(
                    select(IdMapping).where(IdMapping.system == "netsuite", IdMapping.kind == "pos-user")
                )
            }
        for user in ctx.pos.users():
            userid = str(user["userid"])
            email = str(user.get("email") or "").strip()
            fingerprint = {"email": email.lower()}
            if known.get(userid) == fingerprint:
                continue
            try:
                if email:
                    customer = resolver.for_email(email, user, context=f"USER-{userid}")
                else:
                    customer = resolver.without_email(f"POS-USER-{userid}", user)
            except DuplicateCustomer as exc:
                ctx.park(
                    self.name,
                    "duplicate_customer",
                    f"pos-customers:dup:{exc.email.lower()}",
                    str(exc),
                    records={"email": exc.email, "netsuite_customers": exc.ids, "pos_user": userid},
                )
                continue
            except ApiRefusal as exc:
                ctx.park_refusal(
                    self.name, f"pos-customers:user:{userid}", exc, {"pos_user": userid, "email": email}
                )
                continue
            ctx.state.set_mapping("netsuite", "pos-user", userid, customer, fingerprint)
            ctx.stats.add(self.name, "customers_mapped")
