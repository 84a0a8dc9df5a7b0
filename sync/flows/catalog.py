"""NetSuite items as the satellites see them: which are physical, their SKU and type in each system.

NetSuite owns SKUs (``itemId``) and prices. The id map the ``items`` flow keeps (``(system, "item", <NetSuite
internal id>)`` -> the satellite's id, with ``{"sku", "hash"}``) is what the order flows check a SKU against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: NetSuite item types (SuiteQL ``itemtype``) that are goods on a shelf: they go to the WMS and ship.
PHYSICAL_TYPES = frozenset({"InvtPart", "Assembly"})
#: How the WMS names the other kinds (what a connector without the physical filter would send).
WMS_NON_PHYSICAL = {
    "DwnLdItem": "DIGITAL",
    "Service": "SERVICE",
    "NonInvtPart": "SERVICE",
    "OthCharge": "SERVICE",
    "GiftCert": "DIGITAL",
}
#: Types that are not sellable products of any satellite's catalogue.
NOT_PRODUCTS = frozenset({"Discount", "TaxItem", "TaxGroup", "Subtotal", "Description", "Payment", "Markup"})


def is_physical(item_type: str | None) -> bool:
    """True for item types that are picked, packed and shipped (inventory and assembly items, lots included)."""
    return item_type in PHYSICAL_TYPES


def wms_item_type(item_type: str | None) -> str:
    """The WMS ``itemType`` of a NetSuite item type."""
    return "PHYSICAL" if is_physical(item_type) else WMS_NON_PHYSICAL.get(str(item_type), "SERVICE")


@dataclass(frozen=True)
class NsItem:
    """One row of NetSuite's item master (SuiteQL ``item``)."""

    id: str
    sku: str
    name: str
    item_type: str
    is_lot: bool
    price: float | None
    inactive: bool
    modified: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> NsItem:
        """Build from a SuiteQL row (strings, 'T'/'F' booleans, omitted nulls)."""
        sku = str(row.get("itemid") or "")
        price = row.get("baseprice")
        return cls(
            id=str(row["id"]),
            sku=sku,
            name=str(row.get("displayname") or sku),
            item_type=str(row.get("itemtype") or ""),
            is_lot=row.get("islotitem") == "T",
            price=float(price) if price not in (None, "") else None,
            inactive=row.get("isinactive") == "T",
            modified=str(row.get("modified") or ""),
        )

    @property
    def physical(self) -> bool:
        """True when the item is picked and shipped by a warehouse."""
        return is_physical(self.item_type)

    @property
    def qms_type(self) -> str | None:
        """The QMS item type for items the QMS traces (lot-numbered goods and assemblies), else None."""
        if self.item_type == "Assembly":
            return "FINISHED_GOOD"
        if self.physical and self.is_lot:
            return "RAW_MATERIAL"
        return None


ITEM_COLUMNS = (
    "id, itemid, displayname, itemtype, islotitem, baseprice, isinactive, "
    "TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified"
)
