"""Entities, items and setup records: naming rules, lot flags, periods, currencies."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from ...errors import duplicate_entity_id, field_required, user_error
from ...models import NsInventory, NsRecord, NsSequence
from .. import upsert
from ..records import Ctx, Rec
from .base import Rules, register

#: NetSuite's limit on an entity id (Customer ID, Vendor ID).
MAX_ENTITY_ID = 83


@register("customer", "vendor")
class EntityRules(Rules):
    """A person needs first and last name, a company needs a company name; entityId defaults from them and
    is unique per entity type (unless the account auto-generates entity numbers)."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Name rules and the default entityId."""
        body = rec.body
        if body.get("isPerson"):
            missing = [
                label
                for key, label in (("firstName", "First Name"), ("lastName", "Last Name"))
                if not body.get(key)
            ]
            if missing:
                raise field_required(missing, path="firstName" if "First Name" in missing else "lastName")
        elif not body.get("companyName"):
            raise field_required(["Company Name"], path="companyName")
        if ctx.prefs.get("autoGenerateEntityNumbers"):
            if old is None or not body.get("entityId"):
                n = upsert.add(
                    ctx.session, NsSequence.__table__, {"code": f"entity:{rec.rtype.name}"}, "value", 1
                )
                body["entityId"] = str(n)
            elif body.get("entityId") != old.body.get("entityId"):
                body["entityId"] = old.body.get("entityId")  # the generated number is kept
        else:
            sent = body.get("entityId")
            if sent and len(sent) > MAX_ENTITY_ID:
                # The wording NetSuite uses for over-long fields; no public source shows it for entityid itself.
                raise user_error(
                    f"The field entityid contained more than the maximum number ( {MAX_ENTITY_ID} ) "
                    "of characters allowed.",
                    path="entityId",
                )
            if not sent:
                name = (
                    f"{body.get('firstName', '')} {body.get('lastName', '')}".strip()
                    if body.get("isPerson")
                    else body["companyName"]
                )
                body["entityId"] = name[:MAX_ENTITY_ID]
            if old is None or body["entityId"].lower() != str(old.body.get("entityId", "")).lower():
                _check_unique_entity_id(ctx, rec)
        if (
            old is not None
            and old.body.get("subsidiary") != body.get("subsidiary")
            and _has_transactions(ctx, rec)
        ):
            raise user_error(
                "You cannot change the subsidiary of an entity with transactions.", path="subsidiary"
            )


def _check_unique_entity_id(ctx: Ctx, rec: Rec) -> None:
    """UNIQUE_CUST_ID_REQD when another live record of the type has this entityId (case-insensitive).

    The customer wording is NetSuite's (SOAP and REST show it); for vendors no public source gives the text,
    so the customer sentence is used with the type's name. Case-insensitive because NetSuite's duplicate
    checks on names are; accepting a duplicate that production refuses would be the worse mistake.
    """
    wanted = str(rec.body["entityId"])
    needle = json.dumps({"entityId": wanted}, separators=(",", ":"))[1:-1].lower()
    rows = ctx.session.execute(
        select(NsRecord.id, NsRecord.body).where(
            NsRecord.rtype == rec.rtype.name,
            NsRecord.deleted_at.is_(None),
            NsRecord.id != rec.id,
            func.lower(NsRecord.body).contains(needle, autoescape=True),
        )
    ).all()
    for _rid, raw in rows:
        if str(json.loads(raw).get("entityId", "")).lower() == wanted.lower():
            raise duplicate_entity_id(rec.rtype.name)


def _has_transactions(ctx: Ctx, rec: Rec) -> bool:
    needle = f'"entity":{{"id":"{rec.id}"}}'
    rows = ctx.session.execute(
        select(NsRecord.body).where(NsRecord.space == "transaction", NsRecord.deleted_at.is_(None))
    ).scalars()
    return any(needle in body for body in rows)


@register(
    "inventoryItem",
    "lotNumberedInventoryItem",
    "assemblyItem",
    "lotNumberedAssemblyItem",
    "nonInventorySaleItem",
    "serviceSaleItem",
    "downloadItem",
    "otherChargeSaleItem",
    "discountItem",
    "salesTaxItem",
)
class ItemRules(Rules):
    """Items: lot flags follow the record type; an item with stock cannot be deleted."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Derived flags."""
        body = rec.body
        body["itemType"] = rec.rtype.item_type
        if "lotNumbered" in rec.rtype.name:
            body["isLotItem"] = True
        elif rec.rtype.item_type in ("InvtPart", "Assembly"):
            body["isLotItem"] = False
        if rec.rtype.name in ("discountItem", "salesTaxItem") and body.get("rate") is not None:
            text = str(body["rate"]).strip()
            try:
                float(text.rstrip("%"))
            except ValueError:
                raise user_error(
                    f"Invalid rate '{text}': use an amount or a percentage like -10%.", path="rate"
                ) from None
        for i, ln in enumerate(rec.lines("member")):
            if ln.get("item", {}).get("id") == str(rec.id):
                raise user_error("An assembly cannot be its own component.", path=f"member.items[{i}].item")

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Items with stock on hand cannot be deleted."""
        rows = ctx.session.execute(
            select(NsInventory).where(NsInventory.item_id == rec.id, NsInventory.on_hand != 0)
        ).first()
        if rows is not None:
            raise user_error("This item cannot be deleted because it has inventory on hand.")


@register("accountingPeriod")
class AccountingPeriodRules(Rules):
    """Periods: start before end; closing and locking happen in the UI (act/), not through REST."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Date order and default flags."""
        body = rec.body
        if body.get("startDate") and body.get("endDate") and body["startDate"] > body["endDate"]:
            raise user_error("The start date must be before the end date.", path="endDate")
        for flag in ("closed", "allLocked", "arLocked", "apLocked", "payrollLocked"):
            body.setdefault(flag, False)
        body["isPosting"] = not (body.get("isQuarter") or body.get("isYear"))


@register("currency")
class CurrencyRules(Rules):
    """Currencies: the base currency has rate 1; others need an exchange rate."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Base currency flag and positive rate."""
        body = rec.body
        body.setdefault("isBaseCurrency", False)
        rate = body.get("exchangeRate")
        if rate is not None and (isinstance(rate, bool) or rate <= 0):
            raise user_error("The exchange rate must be greater than zero.", path="exchangeRate")
        if body.get("isBaseCurrency"):
            body["exchangeRate"] = 1.0


@register("inventoryNumber")
class InventoryNumberRules(Rules):
    """Lots are created by receipts; only expirationDate and memo may be edited."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Nothing else may change."""
        if old is not None:
            for key in ("inventoryNumber", "item"):
                if rec.body.get(key) != old.body.get(key):
                    raise user_error(f"The field {key} of an inventory number cannot be changed.", path=key)
