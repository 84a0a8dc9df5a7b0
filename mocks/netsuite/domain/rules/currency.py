"""Transaction currency: the entity's currency must match, and a foreign currency needs an exchange rate."""

from __future__ import annotations

from ...errors import field_required, invalid_reference
from ..records import Ctx, Rec
from ..values import ref_id
from .references import rec_of


def check_currency(ctx: Ctx, rec: Rec, entity_field: str = "entity") -> None:
    """Foreign currencies need an exchange rate; the entity's currency must match."""
    body = rec.body
    currency = rec_of(ctx, body.get("currency"), "currency")
    if currency is None:
        return
    entity = rec_of(ctx, body.get(entity_field), "entity")
    if (
        entity is not None
        and entity.body.get("currency")
        and ref_id(entity.body["currency"]) != str(currency.id)
    ):
        raise invalid_reference("currency", currency.id, "currency", within=f"entity {entity.id}")
    if currency.body.get("isBaseCurrency"):
        body["exchangeRate"] = 1.0
        return
    if not body.get("exchangeRate"):
        rate = currency.body.get("exchangeRate")
        if not rate:
            raise field_required(["Exchange Rate"], path="exchangeRate")
        body["exchangeRate"] = rate
