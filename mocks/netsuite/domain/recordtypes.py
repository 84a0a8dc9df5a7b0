"""The record types the emulator serves, their fields and sublists (REST names, see netsuite-records.md).

Fields are declared in a compact form, ``name:kind[:arg][!][~]``:
kinds ``s`` string, ``n`` number, ``i`` integer, ``b`` boolean, ``d`` date, ``t`` datetime,
``r:<target>`` reference, ``e:<A,B,...>`` enumeration, ``c:<target>`` collection of references,
``a`` address subrecord, ``v`` inventory detail subrecord; ``!`` mandatory on create, ``~`` read-only.
A reference target is a record type or a family (``item``, ``entity``, ``transaction``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Every transaction type the emulator can void (voiding.py: directly, or by reversing journal for some).
VOIDABLE = (
    "invoice",
    "cashSale",
    "cashRefund",
    "creditMemo",
    "customerPayment",
    "journalEntry",
    "vendorBill",
    "vendorCredit",
    "vendorPayment",
    "vendorPrepayment",
    "check",
)


@dataclass(frozen=True)
class Field:
    """One body or line field."""

    name: str
    kind: str
    arg: str = ""
    mandatory: bool = False
    read_only: bool = False

    @property
    def enum_values(self) -> tuple[str, ...]:
        """Allowed enum ids (empty = any)."""
        return tuple(v for v in self.arg.split(",") if v) if self.kind == "e" else ()


def _fields(spec: str) -> dict[str, Field]:
    out: dict[str, Field] = {}
    for token in spec.split():
        mandatory, read_only = "!" in token, "~" in token
        parts = token.replace("!", "").replace("~", "").split(":")
        name, kind, arg = parts[0], parts[1], ":".join(parts[2:])
        out[name] = Field(name, kind, arg, mandatory, read_only)
    return out


@dataclass
class RecordType:
    """A REST record type: its family, fields, sublists and naming."""

    name: str
    family: str
    fields: dict[str, Field]
    sublists: dict[str, dict[str, Field]] = field(default_factory=dict)
    name_field: str = "name"
    tran_code: str | None = None
    item_type: str | None = None
    external_id: bool = True
    creatable: bool = True
    deletable: bool = True
    entity_type: str | None = None
    #: False for records the REST record API does not expose (roles: SuiteQL and the control plane only).
    rest: bool = True

    @property
    def lower(self) -> str:
        """Lower-case name (paths and hrefs)."""
        return self.name.lower()

    @property
    def id_space(self) -> str:
        """The internal-id sequence this type draws from.

        NetSuite numbers internal ids per record family: entities share one sequence, transactions one,
        items one, and each list (subsidiary, currency, location, accounting period, account...) has its
        own, which is why a fresh account's subsidiary, base currency and first period are all id 1.
        """
        return self.family if self.family in FAMILIES else self.name

    def sublist_fields(self, sublist: str) -> dict[str, Field]:
        """Fields of one sublist's lines."""
        return self.sublists[sublist]


# ---- shared pieces -------------------------------------------------------------------------------
_TRAN = (
    "tranId:s tranDate:d memo:s subsidiary:r:subsidiary currency:r:currency exchangeRate:n "
    "location:r:location department:r:department class:r:classification postingPeriod:r:accountingPeriod "
    "createdFrom:r:transaction~ status:e~ total:n~ subtotal:n~ taxTotal:n~ discountTotal:n~ "
    "createdDate:t~ lastModifiedDate:t~ otherRefNum:s"
)
_SALES_HDR = (
    _TRAN + " entity:r:customer! salesRep:r:employee terms:r:term shipDate:d shippingCost:n "
    "discountItem:r:discountItem discountRate:n billingAddress:a shippingAddress:a email:s"
)
_LINE = (
    "line:i~ orderLine:i item:r:item! quantity:n rate:n amount:n description:s location:r:location isClosed:b "
    "department:r:department class:r:classification taxCode:r:item taxAmount:n~ itemType:e~ "
    "inventoryDetail:v units:s price:r:priceLevel"
)
_SO_LINE = _LINE + (
    " quantityFulfilled:n~ quantityBilled:n~ quantityCommitted:n~ quantityBackOrdered:n~ "
    "quantityPicked:n~ quantityPacked:n~ isOpen:b~ expectedShipDate:d commitInventory:e:1,2,3"
)
_PO_LINE = _LINE + " quantityReceived:n~ quantityBilled:n~ isOpen:b~ expectedReceiptDate:d vendorName:s"
_FULFIL_LINE = (
    "line:i~ orderLine:i item:r:item quantity:n itemReceive:b location:r:location description:s "
    "inventoryDetail:v itemName:s~ itemType:s~ quantityRemaining:n~ rate:n amount:n kitMemberOf:i~"
)
_APPLY = "line:i~ doc:r:transaction! apply:b amount:n due:n~ total:n~ type:s~ refNum:s~ applyDate:d~"
_EXPENSE = (
    "line:i~ account:r:account! amount:n! memo:s department:r:department class:r:classification "
    "location:r:location isBillable:b"
)
_ITEM_HDR = (
    "itemId:s! displayName:s description:s salesDescription:s purchaseDescription:s upcCode:s "
    "isInactive:b subsidiary:c:subsidiary includeChildren:b rate:n cost:n~ averageCost:n~ "
    "incomeAccount:r:account assetAccount:r:account cogsAccount:r:account "
    "isLotItem:b~ isSerialItem:b~ useBins:b weight:n department:r:department class:r:classification "
    "location:r:location quantityOnHand:n~ quantityAvailable:n~ quantityCommitted:n~ "
    "quantityOnOrder:n~ quantityBackOrdered:n~ createdDate:t~ lastModifiedDate:t~ itemType:e~"
)
_ITEM_LOCATIONS = (
    "location:r:location~ locationId:i~ quantityOnHand:n~ quantityAvailable:n~ "
    "quantityCommitted:n~ quantityBackOrdered:n~ quantityOnOrder:n~ quantityInTransit:n~ "
    "reorderPoint:n preferredStockLevel:n"
)
_ENTITY = (
    "entityId:s isPerson:b companyName:s firstName:s lastName:s middleName:s altName:s email:s "
    "phone:s fax:s subsidiary:r:subsidiary! currency:r:currency terms:r:term "
    "isInactive:b creditLimit:n balance:n~ dateCreated:t~ lastModifiedDate:t~ comments:s giveAccess:b"
)
_ADDRESSBOOK = "id:i~ label:s defaultBilling:b defaultShipping:b addressBookAddress:a"
_SETUP = (
    "name:s! fullName:s~ parent:r:self subsidiary:c:subsidiary includeChildren:b isInactive:b "
    "lastModifiedDate:t~"
)


def _t(name: str, code: str, hdr: str, subs: dict[str, str], **kw: Any) -> RecordType:
    return RecordType(
        name,
        "transaction",
        _fields(hdr),
        {k: _fields(v) for k, v in subs.items()},
        name_field="tranId",
        tran_code=code,
        **kw,
    )


def _item(name: str, item_type: str, extra: str = "", subs: dict[str, str] | None = None) -> RecordType:
    sub = {"locations": _ITEM_LOCATIONS}
    sub.update(subs or {})
    return RecordType(
        name,
        "item",
        _fields(_ITEM_HDR + " " + extra),
        {k: _fields(v) for k, v in sub.items()},
        name_field="itemId",
        item_type=item_type,
    )


_TYPES: list[RecordType] = [
    _t("salesOrder", "SalesOrd", _SALES_HDR + " orderStatus:e:A,B,C shipComplete:b", {"item": _SO_LINE}),
    _t(
        "purchaseOrder",
        "PurchOrd",
        _TRAN + " entity:r:vendor! orderStatus:e:A,B approvalStatus:e:1,2,3 dueDate:d employee:r:employee "
        "terms:r:term",
        {"item": _PO_LINE, "expense": _EXPENSE},
    ),
    _t(
        "itemFulfillment",
        "ItemShip",
        _TRAN + " entity:r:customer~ shipStatus:e:A,B,C shipMethod:r:shipItem shippingAddress:a",
        {"item": _FULFIL_LINE, "package": "line:i~ packageTrackingNumber:s packageWeight:n packageDescr:s"},
        creatable=False,
    ),
    _t("itemReceipt", "ItemRcpt", _TRAN + " entity:r:entity~", {"item": _FULFIL_LINE}, creatable=False),
    _t(
        "invoice",
        "CustInvc",
        _SALES_HDR + " dueDate:d amountPaid:n~ amountRemaining:n~ account:r:account approvalStatus:e:1,2,3",
        {"item": _LINE},
    ),
    _t(
        "cashSale",
        "CashSale",
        _SALES_HDR + " account:r:account undepFunds:b paymentMethod:r:paymentMethod",
        {"item": _LINE},
    ),
    _t(
        "cashRefund",
        "CashRfnd",
        _SALES_HDR + " account:r:account paymentMethod:r:paymentMethod",
        {"item": _LINE},
    ),
    _t(
        "creditMemo",
        "CustCred",
        _SALES_HDR + " amountRemaining:n~ applied:n~ autoApply:b account:r:account",
        {"item": _LINE, "apply": _APPLY},
    ),
    _t(
        "returnAuthorization",
        "RtnAuth",
        _SALES_HDR + " orderStatus:e:A,B",
        {"item": _LINE + " quantityReceived:n~ quantityBilled:n~"},
    ),
    _t(
        "customerPayment",
        "CustPymt",
        _TRAN.replace("postingPeriod", "postingPeriod")
        + " customer:r:customer! payment:n! account:r:account "
        "arAcct:r:account undepFunds:b autoApply:b applied:n~ unapplied:n~ checkNumber:s "
        "paymentMethod:r:paymentMethod",
        {"apply": _APPLY},
    ),
    _t(
        "vendorBill",
        "VendBill",
        _TRAN + " entity:r:vendor! dueDate:d approvalStatus:e:1,2,3 account:r:account terms:r:term "
        "paymentHold:b balance:n~ amountRemaining:n~ userTotal:n",
        {
            "item": _PO_LINE.replace("quantityReceived:n~ ", "") + " orderDoc:r:purchaseOrder~ orderLine:i",
            "expense": _EXPENSE,
        },
    ),
    _t(
        "vendorCredit",
        "VendCred",
        _TRAN + " entity:r:vendor! account:r:account applied:n~ unapplied:n~",
        {"item": _LINE, "expense": _EXPENSE, "apply": _APPLY},
    ),
    _t(
        "vendorPayment",
        "VendPymt",
        _TRAN + " entity:r:vendor! account:r:account apAcct:r:account unapplied:n~ toBePrinted:b",
        {"apply": _APPLY},
    ),
    # Banking (netsuite-records.md has no field list for these; names follow the SOAP/REST schema browser).
    # Check: a direct payment out of a bank account to any payee, with expense and item lines.
    _t(
        "check",
        "Check",
        _TRAN + " entity:r:entity account:r:account! toBePrinted:b voided:b~ userTotal:n~ balance:n~",
        {"expense": _EXPENSE, "item": _LINE},
    ),
    # Deposit: payments from Undeposited Funds, other receipts and cash back, into one bank account.
    _t(
        "deposit",
        "Deposit",
        _TRAN + " account:r:account! voided:b~",
        {
            "payment": "line:i~ deposit:b doc:r:transaction! paymentAmount:n~ docNumber:s~ type:s~ "
            "entity:r:entity~ memo:s refNum:s~ paymentMethod:r:paymentMethod~",
            "other": "line:i~ entity:r:entity amount:n! account:r:account! paymentMethod:r:paymentMethod "
            "refNum:s memo:s department:r:department class:r:classification location:r:location",
            "cashBack": "line:i~ amount:n! account:r:account! memo:s department:r:department "
            "class:r:classification location:r:location",
        },
    ),
    # Vendor prepayment: money paid to a vendor before the bill, held on a prepayment (asset) account.
    _t(
        "vendorPrepayment",
        "VPrep",
        _TRAN + " entity:r:vendor! account:r:account payment:n! "
        "prepaymentAccount:r:account applied:n~ unapplied:n~ voided:b~",
        {},
    ),
    # Credit card refund: a refund received on a company credit card (reverses expenses).
    _t(
        "creditCardRefund",
        "CardRfnd",
        _TRAN + " entity:r:entity account:r:account! voided:b~",
        {"expense": _EXPENSE, "item": _LINE},
    ),
    _t(
        "journalEntry",
        "Journal",
        _TRAN + " approved:b isReversal:b reversalDate:d",
        {
            "line": "line:i~ account:r:account! debit:n credit:n memo:s entity:r:entity department:r:department "
            "class:r:classification location:r:location"
        },
    ),
    _t(
        "inventoryAdjustment",
        "InvAdjst",
        _TRAN + " account:r:account! adjLocation:r:location customer:r:customer estimatedTotalValue:n~",
        {
            "inventory": "line:i~ item:r:item! location:r:location adjustQtyBy:n newQuantity:n unitCost:n "
            "quantityOnHand:n~ description:s memo:s inventoryDetail:v department:r:department "
            "class:r:classification"
        },
    ),
    _t(
        "inventoryTransfer",
        "InvTrnfr",
        _TRAN.replace("location:r:location", "location:r:location!") + " transferLocation:r:location!",
        {
            "inventory": "line:i~ item:r:item! adjustQtyBy:n! quantityOnHand:n~ description:s inventoryDetail:v"
        },
    ),
    _t(
        "workOrder",
        "WorkOrd",
        _TRAN + " assemblyItem:r:item! quantity:n! orderStatus:e:A,B startDate:d "
        "endDate:d built:n~ unbuilt:n~",
        {"item": "line:i~ item:r:item! quantity:n bomQuantity:n quantityCommitted:n~ inventoryDetail:v"},
    ),
    _t(
        "assemblyBuild",
        "Build",
        _TRAN + " item:r:item! quantity:n! inventoryDetail:v buildable:n~",
        {"component": "line:i~ item:r:item quantity:n quantityOnHand:n~ componentInventoryDetail:v"},
    ),
    # entities
    RecordType(
        "customer",
        "entity",
        _fields(
            _ENTITY + " salesRep:r:employee priceLevel:r:priceLevel "
            "taxable:b overdueBalance:n~ unbilledOrders:n~"
        ),
        {"addressBook": _fields(_ADDRESSBOOK)},
        name_field="entityId",
        entity_type="CustJob",
    ),
    RecordType(
        "vendor",
        "entity",
        _fields(
            _ENTITY + " legalName:s taxIdNum:s is1099Eligible:b "
            "payablesAccount:r:account expenseAccount:r:account"
        ),
        {"addressBook": _fields(_ADDRESSBOOK)},
        name_field="entityId",
        entity_type="Vendor",
    ),
    # A project (job): a customer's sub-record, listed with customers (CustJob), billed on its own.
    RecordType(
        "job",
        "entity",
        _fields(
            "entityId:s companyName:s! parent:r:customer subsidiary:r:subsidiary! "
            "currency:r:currency startDate:d projectedEndDate:d endDate:d "
            "isInactive:b comments:s email:s phone:s "
            "dateCreated:t~ lastModifiedDate:t~"
        ),
        name_field="entityId",
        entity_type="CustJob",
    ),
    # items
    _item("inventoryItem", "InvtPart", "costingMethod:e:AVG,FIFO,LIFO,STANDARD"),
    _item("lotNumberedInventoryItem", "InvtPart", "costingMethod:e:AVG,FIFO,LIFO,STANDARD,LOT"),
    _item(
        "assemblyItem",
        "Assembly",
        "costingMethod:e:AVG,FIFO,LIFO,STANDARD",
        {"member": "line:i~ item:r:item! quantity:n!"},
    ),
    _item(
        "lotNumberedAssemblyItem",
        "Assembly",
        "costingMethod:e:AVG,FIFO,LIFO,STANDARD,LOT",
        {"member": "line:i~ item:r:item! quantity:n!"},
    ),
    # A kit: sold as one line, fulfilled as its member components (it carries no stock of its own).
    RecordType(
        "kitItem",
        "item",
        _fields(
            "itemId:s! displayName:s description:s salesDescription:s upcCode:s "
            "isInactive:b subsidiary:c:subsidiary includeChildren:b rate:n "
            "incomeAccount:r:account department:r:department "
            "class:r:classification location:r:location createdDate:t~ "
            "lastModifiedDate:t~ itemType:e~"
        ),
        {"member": _fields("line:i~ item:r:item! quantity:n! memberDescr:s~")},
        name_field="itemId",
        item_type="Kit",
    ),
    _item("nonInventorySaleItem", "NonInvtPart"),
    _item("serviceSaleItem", "Service"),
    _item("downloadItem", "DwnLdItem"),
    _item("otherChargeSaleItem", "OthCharge"),
    RecordType(
        "discountItem",
        "item",
        _fields(
            "itemId:s! displayName:s description:s rate:s isInactive:b "
            "isPreTax:b nonPosting:b account:r:account "
            "subsidiary:c:subsidiary lastModifiedDate:t~ itemType:e~"
        ),
        name_field="itemId",
        item_type="Discount",
    ),
    RecordType(
        "salesTaxItem",
        "item",
        _fields(
            "itemId:s! description:s rate:s! isInactive:b taxAgency:r:vendor lastModifiedDate:t~ itemType:e~"
        ),
        name_field="itemId",
        item_type="TaxItem",
    ),
    # setup
    RecordType(
        "account",
        "setup",
        _fields(
            "acctName:s! acctNumber:s acctType:e:Bank,AcctRec,OthCurrAsset,"
            "FixedAsset,OthAsset,AcctPay,CredCard,OthCurrLiab,LongTermLiab,"
            "Equity,Income,COGS,Expense,OthIncome,OthExpense,DeferRevenue,"
            "DeferExpense,UnbilledRec,NonPosting,Stat! parent:r:self "
            "description:s currency:r:currency subsidiary:c:subsidiary "
            "includeChildren:b isInactive:b isSummary:b balance:n~ "
            "lastModifiedDate:t~"
        ),
        name_field="acctName",
    ),
    RecordType("department", "setup", _fields(_SETUP)),
    RecordType("classification", "setup", _fields(_SETUP)),
    RecordType(
        "location",
        "setup",
        _fields(
            _SETUP.replace("subsidiary:c:subsidiary", "subsidiary:c:subsidiary!")
            + " locationType:e:1,2 mainAddress:a useBins:b makeInventoryAvailable:b"
        ),
    ),
    RecordType(
        "bin",
        "setup",
        _fields("binNumber:s! location:r:location! memo:s isInactive:b lastModifiedDate:t~"),
        name_field="binNumber",
    ),
    RecordType(
        "subsidiary",
        "setup",
        _fields(
            "name:s! fullName:s~ legalName:s parent:r:self "
            "currency:r:currency! country:e state:s isInactive:b "
            "isElimination:b mainAddress:a lastModifiedDate:t~"
        ),
    ),
    RecordType(
        "currency",
        "setup",
        _fields(
            "name:s! symbol:s! displaySymbol:s exchangeRate:n! "
            "isBaseCurrency:b~ isInactive:b currencyPrecision:i "
            "lastModifiedDate:t~"
        ),
    ),
    RecordType(
        "accountingPeriod",
        "setup",
        _fields(
            "periodName:s! startDate:d! endDate:d! parent:r:self closed:b~ closedOnDate:d~ allLocked:b~ "
            "arLocked:b~ apLocked:b~ payrollLocked:b~ allowNonGLChanges:b isQuarter:b isYear:b isAdjust:b "
            "isPosting:b~ isInactive:b lastModifiedDate:t~"
        ),
        name_field="periodName",
        external_id=False,
        deletable=False,
    ),
    RecordType(
        "inventoryNumber",
        "setup",
        _fields(
            "inventoryNumber:s~ item:r:item~ expirationDate:d memo:s status:s~ quantityOnHand:n~ "
            "quantityAvailable:n~ lastModifiedDate:t~"
        ),
        {"locations": _fields("location:r:location~ quantityOnHand:n~ quantityAvailable:n~")},
        name_field="inventoryNumber",
        creatable=False,
        deletable=False,
        external_id=False,
    ),
    RecordType(
        "employee",
        "entity",
        _fields(
            "entityId:s firstName:s! lastName:s! email:s "
            "subsidiary:r:subsidiary! isInactive:b lastModifiedDate:t~"
        ),
        name_field="entityId",
        entity_type="Employee",
    ),
    RecordType("term", "setup", _fields("name:s! daysUntilNetDue:i isInactive:b lastModifiedDate:t~")),
    RecordType("priceLevel", "setup", _fields("name:s! discountPct:n isInactive:b lastModifiedDate:t~")),
    RecordType("paymentMethod", "setup", _fields("name:s! isInactive:b lastModifiedDate:t~")),
    RecordType(
        "shipItem",
        "setup",
        _fields("itemId:s! displayName:s isInactive:b lastModifiedDate:t~"),
        name_field="itemId",
    ),
    # The role the integration's token logs in with; its permissions decide what the integration may do.
    RecordType(
        "role",
        "setup",
        _fields(
            "name:s! scriptId:s isInactive:b overridePeriodRestrictions:b "
            "deletedRecords:b lastModifiedDate:t~"
        ),
        external_id=False,
        deletable=False,
        rest=False,
    ),
]

# Voidable transactions show whether they were voided and, for a void by reversing journal, the journal.
for _t_voidable in _TYPES:
    if _t_voidable.name in VOIDABLE:
        _t_voidable.fields.update(_fields("voided:b~ voidJournal:r:journalEntry~"))

RECORD_TYPES: dict[str, RecordType] = {t.name: t for t in _TYPES}
#: The types the REST record API serves (and the metadata catalog lists).
REST_TYPES: dict[str, RecordType] = {t.name: t for t in _TYPES if t.rest}
_BY_LOWER: dict[str, RecordType] = {t.lower: t for t in _TYPES}
# NetSuite's record ids use "noninventory", the REST browser "nonInventory": accept both.
_BY_LOWER["noninventorysaleitem"] = RECORD_TYPES["nonInventorySaleItem"]
FAMILIES = {"item", "entity", "transaction"}
TRAN_CODES: dict[str, RecordType] = {t.tran_code: t for t in _TYPES if t.tran_code}


def space_of(target: str, owner: RecordType | None = None) -> str:
    """The id space a reference target (a record type, a family or ``self``) points into."""
    if target == "self":
        if owner is None:
            raise ValueError("a 'self' reference needs its owner type")
        return owner.id_space
    if target in FAMILIES:
        return target
    rtype = RECORD_TYPES.get(target)
    return rtype.id_space if rtype is not None else target


def lookup(name: str) -> RecordType | None:
    """The record type for a path segment, matched case-insensitively as the real service does."""
    return _BY_LOWER.get(name.lower())


def target_matches(target: str, owner: RecordType, candidate: RecordType) -> bool:
    """True when a reference declared as ``target`` may point at a record of type ``candidate``."""
    if target == "self":
        return candidate.name == owner.name
    if target == "entity":
        return candidate.family == "entity"
    if target in FAMILIES:
        return candidate.family == target
    if target == "discountItem":
        return candidate.name == "discountItem"
    if target == "customer":
        # Projects are customers' jobs: NetSuite accepts one wherever a customer goes (bill the project).
        return candidate.name in ("customer", "job")
    return candidate.name == target


def item_types() -> list[RecordType]:
    """Every item record type."""
    return [t for t in _TYPES if t.family == "item"]
