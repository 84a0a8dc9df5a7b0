"""The SuiteQL virtual schema: tables, their lower-case columns and each column's kind.

Kinds drive storage in the per-call SQLite copy and rendering in the response:
``int`` and ``ref`` (an internal id; ``BUILTIN.DF`` gives the referenced record's name) are INTEGER,
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


_ENTITY = ("id:int entityid altname companyname firstname lastname middlename email phone fax isperson:bool "
           "isinactive:bool subsidiary:ref currency:ref terms:ref creditlimit:num comments "
           "datecreated:datetime lastmodifieddate:datetime externalid")
_SETUP = "id:int name fullname parent:ref isinactive:bool externalid lastmodifieddate:datetime"

TABLES: dict[str, VTable] = {t.name: t for t in [
    VTable("transaction", _cols(
        "id:int tranid transactionnumber trandate:date type:trantype recordtype status:status entity:ref "
        "memo currency:ref exchangerate:num postingperiod:ref createddate:datetime "
        "lastmodifieddate:datetime externalid createdfrom:ref foreigntotal:num shipstatus duedate:date "
        "shipdate:date otherrefnum terms:ref employee:ref approvalstatus:int "
        "transferlocation:ref")),
    VTable("transactionline", _cols(
        "id:int transaction:ref linesequencenumber:int uniquekey:int mainline:bool taxline:bool item:ref "
        "itemtype:itemtype quantity:num rate:num netamount:num foreignamount:num memo location:ref "
        "subsidiary:ref department:ref class:ref entity:ref isclosed:bool quantityshiprecv:num "
        "quantitybilled:num quantitycommitted:num quantitybackordered:num quantitypicked:num "
        "quantitypacked:num expectedshipdate:date createdfrom:ref linelastmodifieddate:datetime"),
        ("transaction", "linesequencenumber")),
    VTable("item", _cols(
        "id:int itemid fullname displayname description salesdescription purchasedescription upccode "
        "itemtype:itemtype isinactive:bool islotitem:bool isserialitem:bool usebins:bool costingmethod "
        "baseprice:num cost:num averagecost:num weight:num department:ref class:ref location:ref "
        "incomeaccount:ref assetaccount:ref cogsaccount:ref createddate:datetime "
        "lastmodifieddate:datetime externalid")),
    VTable("customer", _cols(_ENTITY + " salesrep:ref pricelevel:ref taxable:bool")),
    VTable("vendor", _cols(_ENTITY + " legalname is1099eligible:bool")),
    VTable("employee", _cols("id:int entityid firstname lastname email subsidiary:ref isinactive:bool "
                             "lastmodifieddate:datetime externalid")),
    VTable("location", _cols(_SETUP + " subsidiary:ref locationtype:int makeinventoryavailable:bool "
                                      "usebins:bool")),
    VTable("department", _cols(_SETUP)),
    VTable("classification", _cols(_SETUP)),
    VTable("subsidiary", _cols(_SETUP + " legalname currency:ref country state iselimination:bool")),
    VTable("currency", _cols("id:int name symbol displaysymbol exchangerate:num isbasecurrency:bool "
                             "isinactive:bool currencyprecision:int lastmodifieddate:datetime externalid")),
    VTable("account", _cols("id:int acctnumber accountsearchdisplayname fullname displaynamewithhierarchy "
                            "accttype description parent:ref currency:ref isinactive:bool issummary:bool "
                            "lastmodifieddate:datetime externalid")),
    VTable("accountingperiod", _cols(
        "id:int periodname startdate:date enddate:date parent:ref closed:bool closedondate:date "
        "alllocked:bool arlocked:bool aplocked:bool payrolllocked:bool allownonglchanges:bool "
        "isposting:bool isquarter:bool isyear:bool isadjust:bool isinactive:bool "
        "lastmodifieddate:datetime")),
    VTable("aggregateitemlocation", _cols(
        "item:ref location:ref quantityonhand:num quantityavailable:num quantitycommitted:num "
        "quantityonorder:num quantitybackordered:num quantityintransit:num"), ("item", "location")),
    VTable("inventorynumber", _cols(
        "id:int inventorynumber item:ref expirationdate:date memo quantityonhand:num "
        "quantityavailable:num isonhand:bool lastmodifieddate:datetime")),
    VTable("inventorynumberlocation", _cols(
        "inventorynumber:ref location:ref quantityonhand:num quantityavailable:num quantityintransit:num"),
        ("inventorynumber", "location")),
    VTable("inventorybalance", _cols(
        "item:ref location:ref binnumber:ref inventorynumber:ref inventorystatus:ref quantityonhand:num "
        "quantityavailable:num committedqtyperlocation:num"),
        ("item", "location", "binnumber", "inventorynumber")),
    VTable("deletedrecord", _cols(
        "recordid:int name type recordtypeid externalid deleteddate:datetime deletedby:ref "
        "iscustomrecord:bool iscustomlist:bool iscustomtransaction:bool context"),
        ("deleteddate", "recordid")),
]}


def lookup_table(name: str) -> VTable | None:
    """The virtual table called ``name`` (case-insensitive, as SuiteQL matches table names)."""
    return TABLES.get(name.lower())


#: transaction.type code -> the label BUILTIN.DF(type) shows.
TRAN_TYPE_LABELS = {
    "SalesOrd": "Sales Order", "PurchOrd": "Purchase Order", "ItemShip": "Item Fulfillment",
    "ItemRcpt": "Item Receipt", "CustInvc": "Invoice", "CashSale": "Cash Sale", "CashRfnd": "Cash Refund",
    "CustCred": "Credit Memo", "RtnAuth": "Return Authorization", "CustPymt": "Payment",
    "VendBill": "Bill", "VendCred": "Bill Credit", "VendPymt": "Bill Payment", "Journal": "Journal",
    "InvAdjst": "Inventory Adjustment", "InvTrnfr": "Inventory Transfer", "WorkOrd": "Work Order",
    "Build": "Assembly Build", "Estimate": "Estimate", "TrnfrOrd": "Transfer Order",
}

#: (type code, status letter) -> status label, from netsuite-rest.md section 6.
STATUS_LABELS: dict[str, dict[str, str]] = {
    "SalesOrd": {"A": "Pending Approval", "B": "Pending Fulfillment", "C": "Cancelled",
                 "D": "Partially Fulfilled", "E": "Pending Billing/Partially Fulfilled",
                 "F": "Pending Billing", "G": "Billed", "H": "Closed"},
    "PurchOrd": {"A": "Pending Supervisor Approval", "B": "Pending Receipt", "C": "Rejected by Supervisor",
                 "D": "Partially Received", "E": "Pending Billing/Partially Received", "F": "Pending Bill",
                 "G": "Fully Billed", "H": "Closed"},
    "ItemShip": {"A": "Picked", "B": "Packed", "C": "Shipped"},
    "CustInvc": {"A": "Open", "B": "Paid In Full", "D": "Pending Approval", "E": "Rejected", "V": "Voided"},
    "VendBill": {"A": "Open", "B": "Paid In Full", "D": "Pending Approval", "E": "Rejected"},
    "CustCred": {"A": "Open", "B": "Fully Applied", "V": "Voided"},
    "VendCred": {"A": "Open", "B": "Fully Applied"},
    "CashSale": {"A": "Unapproved Payment", "B": "Not Deposited", "C": "Deposited"},
    "CustPymt": {"A": "Unapproved Payment", "B": "Not Deposited", "C": "Deposited"},
    "Journal": {"A": "Pending Approval", "B": "Approved for Posting"},
    "RtnAuth": {"A": "Pending Approval", "B": "Pending Receipt", "C": "Cancelled", "D": "Partially Received",
                "E": "Pending Refund/Partially Received", "F": "Pending Refund", "G": "Refunded",
                "H": "Closed"},
    "WorkOrd": {"A": "Planned", "B": "Released", "C": "Cancelled", "D": "In Process", "G": "Built",
                "H": "Closed"},
}

#: item type code -> the label BUILTIN.DF(itemtype) shows.
ITEM_TYPE_LABELS = {
    "InvtPart": "Inventory Item", "Assembly": "Assembly/Bill of Materials", "NonInvtPart": "Non-inventory Item",
    "Service": "Service", "DwnLdItem": "Download Item", "OthCharge": "Other Charge", "Discount": "Discount",
    "TaxItem": "Sales Tax Item", "Kit": "Kit/Package", "Group": "Item Group", "Markup": "Markup",
    "Subtotal": "Subtotal", "Description": "Description", "GiftCert": "Gift Certificate",
    "Payment": "Payment", "ShipItem": "Shipping Cost Item",
}
