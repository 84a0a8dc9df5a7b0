"""The SuiteQL virtual schema: tables, their lower-case columns and each column's kind.

Kinds drive storage in the per-call SQLite copy and rendering in the response:
``int`` and ``ref:<id space>`` (an internal id of that space, as ids are numbered per record family;
``BUILTIN.DF`` gives the referenced record's name) are INTEGER,
``num`` REAL, everything else TEXT: ``bool`` is 'T'/'F', ``date`` 'YYYY-MM-DD' and ``datetime``
'YYYY-MM-DD HH:MM:SS' in the account time zone; ``trantype``, ``status`` and ``itemtype`` are codes
whose ``BUILTIN.DF`` is a label.

Columns were picked from what public SuiteQL code selects; where a source shows NetSuite refusing a
column, it is left out on purpose (``transaction.subsidiary`` is NOT_EXPOSED on the header: use
``transactionline.subsidiary``; ``customer.balance`` is an "Unknown identifier").
"""

from __future__ import annotations

from dataclasses import dataclass

SQL_TYPES = {"int": "INTEGER", "ref": "INTEGER", "num": "REAL"}


def sql_type(kind: str) -> str:
    """The SQLite column type of a kind (``ref:<space>`` is a ``ref``)."""
    return SQL_TYPES.get(kind.split(":", 1)[0], "TEXT")


def ref_space(kind: str | None) -> str | None:
    """The id space of a ``ref:<space>`` kind (None for any other kind)."""
    return kind[4:] if kind is not None and kind.startswith("ref:") else None


@dataclass(frozen=True)
class VTable:
    """One virtual table: columns (name -> kind) and the key that orders rows when ORDER BY is absent."""

    name: str
    columns: dict[str, str]
    order_key: tuple[str, ...] = ("id",)


def _cols(spec: str) -> dict[str, str]:
    """``"id:int tranid trandate:date"`` -> {"id": "int", "tranid": "text", "trandate": "date"}."""
    out: dict[str, str] = {}
    for token in spec.split():
        name, _, kind = token.partition(":")
        out[name] = kind or "text"
    return out


_ENTITY = (
    "id:int entityid altname companyname firstname lastname middlename email phone fax isperson:bool "
    "isinactive:bool subsidiary:ref:subsidiary currency:ref:currency terms:ref:term creditlimit:num comments "
    "datecreated:datetime lastmodifieddate:datetime externalid"
)


def _setup(space: str) -> str:
    return f"id:int name fullname parent:ref:{space} isinactive:bool externalid lastmodifieddate:datetime"


TABLES: dict[str, VTable] = {
    t.name: t
    for t in [
        VTable(
            "transaction",
            _cols(
                "id:int tranid transactionnumber trandate:date type:trantype recordtype status:status entity:ref:entity "
                "memo currency:ref:currency exchangerate:num postingperiod:ref:accountingPeriod createddate:datetime "
                "lastmodifieddate:datetime externalid createdfrom:ref:transaction foreigntotal:num shipstatus duedate:date "
                "shipdate:date otherrefnum terms:ref:term employee:ref:entity approvalstatus:int "
                "transferlocation:ref:location"
            ),
        ),
        VTable(
            "transactionline",
            _cols(
                "id:int transaction:ref:transaction linesequencenumber:int uniquekey:int mainline:bool taxline:bool "
                "item:ref:item itemtype:itemtype quantity:num rate:num netamount:num foreignamount:num memo "
                "location:ref:location subsidiary:ref:subsidiary department:ref:department class:ref:classification "
                "entity:ref:entity isclosed:bool quantityshiprecv:num "
                "quantitybilled:num quantitycommitted:num quantitybackordered:num quantitypicked:num "
                "quantitypacked:num expectedshipdate:date createdfrom:ref:transaction linelastmodifieddate:datetime"
            ),
            ("transaction", "linesequencenumber"),
        ),
        # The general-ledger impact of each transaction (accounting book 1, the primary book).
        VTable(
            "transactionaccountingline",
            _cols(
                "transaction:ref:transaction transactionline:int accountingbook:int account:ref:account debit:num "
                "credit:num amount:num netamount:num posting:bool entity:ref:entity memo lastmodifieddate:datetime"
            ),
            ("transaction", "transactionline", "account"),
        ),
        VTable(
            "item",
            _cols(
                "id:int itemid fullname displayname description salesdescription purchasedescription upccode "
                "itemtype:itemtype isinactive:bool islotitem:bool isserialitem:bool usebins:bool costingmethod "
                "baseprice:num cost:num averagecost:num weight:num department:ref:department class:ref:classification "
                "location:ref:location incomeaccount:ref:account assetaccount:ref:account cogsaccount:ref:account "
                "createddate:datetime "
                "lastmodifieddate:datetime externalid"
            ),
        ),
        VTable("customer", _cols(_ENTITY + " salesrep:ref:entity pricelevel:ref:priceLevel taxable:bool")),
        VTable(
            "job", _cols(_ENTITY + " parent:ref:entity startdate:date projectedenddate:date enddate:date")
        ),
        VTable("vendor", _cols(_ENTITY + " legalname is1099eligible:bool")),
        VTable(
            "employee",
            _cols(
                "id:int entityid firstname lastname email subsidiary:ref:subsidiary isinactive:bool "
                "lastmodifieddate:datetime externalid"
            ),
        ),
        VTable(
            "location",
            _cols(
                _setup("location") + " subsidiary:ref:subsidiary locationtype:int "
                "makeinventoryavailable:bool usebins:bool"
            ),
        ),
        VTable("department", _cols(_setup("department"))),
        VTable("classification", _cols(_setup("classification"))),
        VTable(
            "subsidiary",
            _cols(_setup("subsidiary") + " legalname currency:ref:currency country state iselimination:bool"),
        ),
        VTable(
            "currency",
            _cols(
                "id:int name symbol displaysymbol exchangerate:num isbasecurrency:bool "
                "isinactive:bool currencyprecision:int lastmodifieddate:datetime externalid"
            ),
        ),
        VTable(
            "account",
            _cols(
                "id:int acctnumber accountsearchdisplayname fullname displaynamewithhierarchy "
                "accttype description parent:ref:account currency:ref:currency isinactive:bool "
                "issummary:bool "
                "lastmodifieddate:datetime externalid"
            ),
        ),
        VTable("role", _cols("id:int name scriptid isinactive:bool")),
        VTable(
            "accountingperiod",
            _cols(
                "id:int periodname startdate:date enddate:date parent:ref:accountingPeriod closed:bool closedondate:date "
                "alllocked:bool arlocked:bool aplocked:bool payrolllocked:bool allownonglchanges:bool "
                "isposting:bool isquarter:bool isyear:bool isadjust:bool isinactive:bool "
                "lastmodifieddate:datetime"
            ),
        ),
        VTable(
            "aggregateitemlocation",
            _cols(
                "item:ref:item location:ref:location quantityonhand:num quantityavailable:num quantitycommitted:num "
                "quantityonorder:num quantitybackordered:num quantityintransit:num"
            ),
            ("item", "location"),
        ),
        VTable(
            "inventorynumber",
            _cols(
                "id:int inventorynumber item:ref:item expirationdate:date memo quantityonhand:num "
                "quantityavailable:num isonhand:bool lastmodifieddate:datetime"
            ),
        ),
        VTable(
            "inventorynumberlocation",
            _cols(
                "inventorynumber:ref:inventoryNumber location:ref:location quantityonhand:num quantityavailable:num "
                "quantityintransit:num"
            ),
            ("inventorynumber", "location"),
        ),
        VTable(
            "inventorybalance",
            _cols(
                "item:ref:item location:ref:location binnumber:ref:bin inventorynumber:ref:inventoryNumber "
                "inventorystatus:ref:inventoryStatus quantityonhand:num "
                "quantityavailable:num committedqtyperlocation:num"
            ),
            ("item", "location", "binnumber", "inventorynumber"),
        ),
        VTable(
            "deletedrecord",
            _cols(
                "recordid:int name type recordtypeid externalid deleteddate:datetime deletedby:ref:entity "
                "iscustomrecord:bool iscustomlist:bool iscustomtransaction:bool context"
            ),
            ("deleteddate", "recordid"),
        ),
    ]
}


def lookup_table(name: str) -> VTable | None:
    """The virtual table called ``name`` (case-insensitive, as SuiteQL matches table names)."""
    return TABLES.get(name.lower())


#: transaction.type code -> the label BUILTIN.DF(type) shows.
TRAN_TYPE_LABELS = {
    "SalesOrd": "Sales Order",
    "PurchOrd": "Purchase Order",
    "ItemShip": "Item Fulfillment",
    "ItemRcpt": "Item Receipt",
    "CustInvc": "Invoice",
    "CashSale": "Cash Sale",
    "CashRfnd": "Cash Refund",
    "CustCred": "Credit Memo",
    "RtnAuth": "Return Authorization",
    "CustPymt": "Payment",
    "VendBill": "Bill",
    "VendCred": "Bill Credit",
    "VendPymt": "Bill Payment",
    "Journal": "Journal",
    "InvAdjst": "Inventory Adjustment",
    "InvTrnfr": "Inventory Transfer",
    "WorkOrd": "Work Order",
    "Build": "Assembly Build",
    "Estimate": "Estimate",
    "TrnfrOrd": "Transfer Order",
    "Check": "Check",
    "Deposit": "Deposit",
    "VPrep": "Vendor Prepayment",
    "CardRfnd": "Credit Card Refund",
}

#: (type code, status letter) -> status label, from netsuite-rest.md section 6.
STATUS_LABELS: dict[str, dict[str, str]] = {
    "SalesOrd": {
        "A": "Pending Approval",
        "B": "Pending Fulfillment",
        "C": "Cancelled",
        "D": "Partially Fulfilled",
        "E": "Pending Billing/Partially Fulfilled",
        "F": "Pending Billing",
        "G": "Billed",
        "H": "Closed",
    },
    "PurchOrd": {
        "A": "Pending Supervisor Approval",
        "B": "Pending Receipt",
        "C": "Rejected by Supervisor",
        "D": "Partially Received",
        "E": "Pending Billing/Partially Received",
        "F": "Pending Bill",
        "G": "Fully Billed",
        "H": "Closed",
    },
    "ItemShip": {"A": "Picked", "B": "Packed", "C": "Shipped"},
    "CustInvc": {"A": "Open", "B": "Paid In Full", "D": "Pending Approval", "E": "Rejected", "V": "Voided"},
    "VendBill": {"A": "Open", "B": "Paid In Full", "D": "Pending Approval", "E": "Rejected", "V": "Voided"},
    "CustCred": {"A": "Open", "B": "Fully Applied", "V": "Voided"},
    "VendCred": {"A": "Open", "B": "Fully Applied", "V": "Voided"},
    "VendPymt": {"V": "Voided"},
    "Check": {"V": "Voided"},
    "VPrep": {"V": "Voided"},
    "CashRfnd": {"V": "Voided"},
    "CashSale": {"A": "Unapproved Payment", "B": "Not Deposited", "C": "Deposited", "V": "Voided"},
    "CustPymt": {"A": "Unapproved Payment", "B": "Not Deposited", "C": "Deposited", "V": "Voided"},
    "Journal": {"A": "Pending Approval", "B": "Approved for Posting"},
    "RtnAuth": {
        "A": "Pending Approval",
        "B": "Pending Receipt",
        "C": "Cancelled",
        "D": "Partially Received",
        "E": "Pending Refund/Partially Received",
        "F": "Pending Refund",
        "G": "Refunded",
        "H": "Closed",
    },
    "WorkOrd": {
        "A": "Planned",
        "B": "Released",
        "C": "Cancelled",
        "D": "In Process",
        "G": "Built",
        "H": "Closed",
    },
}

#: item type code -> the label BUILTIN.DF(itemtype) shows.
ITEM_TYPE_LABELS = {
    "InvtPart": "Inventory Item",
    "Assembly": "Assembly/Bill of Materials",
    "NonInvtPart": "Non-inventory Item",
    "Service": "Service",
    "DwnLdItem": "Download Item",
    "OthCharge": "Other Charge",
    "Discount": "Discount",
    "TaxItem": "Sales Tax Item",
    "Kit": "Kit/Package",
    "Group": "Item Group",
    "Markup": "Markup",
    "Subtotal": "Subtotal",
    "Description": "Description",
    "GiftCert": "Gift Certificate",
    "Payment": "Payment",
    "ShipItem": "Shipping Cost Item",
}
