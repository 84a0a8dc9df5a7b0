"""The transaction tables: transaction, transactionline (posting sign), transactionaccountingline (GL).

Transaction lines carry NetSuite's posting sign: sales-side lines (sales orders, invoices, cash sales,
fulfilments, bill credits, builds) have negative quantity, quantityshiprecv, quantitybilled and
netamount, as real SuiteQL returns them (public queries wrap them in ABS() or multiply by -1).
"""

from __future__ import annotations

from typing import Any

from ..gl import Chart, gl_lines, item_accounts
from ..recordtypes import RECORD_TYPES, RecordType
from .reader import Row, StoreReader, _family
from .values import _bool, _date, _enum, _extid, _int, _num, _ref, _signed, _status, _str, _total

#: Record types whose item lines post with a negative sign in transactionline.
_NEGATIVE = {
    "salesOrder",
    "invoice",
    "cashSale",
    "itemFulfillment",
    "vendorCredit",
    "assemblyBuild",
    "estimate",
}
_LINE_SUBLISTS = ("item", "expense", "inventory", "line", "component")


class TransactionTables(StoreReader):
    """Builders of the transaction tables (a mixin of ``data.Source``)."""

    def _t_transaction(self) -> list[Row]:
        out = []
        for rec, b in self.records(_family("transaction")):
            rt = RECORD_TYPES[rec.rtype]
            out.append(
                {
                    "id": rec.id,
                    "tranid": _str(b.get("tranId")) or rec.name or None,
                    "transactionnumber": _str(b.get("transactionNumber")),
                    "trandate": _date(b.get("tranDate")),
                    "type": rt.tran_code,
                    "recordtype": rt.lower,
                    "status": _status(rt, b),
                    "entity": _ref(b.get("entity", b.get("customer"))),
                    "memo": _str(b.get("memo")),
                    "currency": _ref(b.get("currency")),
                    "exchangerate": _num(b.get("exchangeRate")),
                    "postingperiod": _ref(b.get("postingPeriod")),
                    "createddate": self.dt(rec.created_at),
                    "lastmodifieddate": self.dt(rec.last_modified),
                    "externalid": _extid(rec, b),
                    "createdfrom": _ref(b.get("createdFrom")),
                    "foreigntotal": _total(rt, b),
                    "shipstatus": _enum(b.get("shipStatus")),
                    "duedate": _date(b.get("dueDate")),
                    "shipdate": _date(b.get("shipDate")),
                    "otherrefnum": _str(b.get("otherRefNum")),
                    "terms": _ref(b.get("terms")),
                    "employee": _ref(b.get("employee")),
                    "approvalstatus": _int(_enum(b.get("approvalStatus"))),
                    "transferlocation": _ref(b.get("transferLocation")),
                }
            )
        return out

    def _t_transactionline(self) -> list[Row]:
        out: list[Row] = []
        for rec, b in self.records(_family("transaction")):
            rt = RECORD_TYPES[rec.rtype]
            sign = -1 if rt.name in _NEGATIVE else 1
            header = {
                "transaction": rec.id,
                "subsidiary": _ref(b.get("subsidiary")),
                "entity": _ref(b.get("entity", b.get("customer"))),
                "createdfrom": _ref(b.get("createdFrom")),
                "linelastmodifieddate": self.dt(rec.last_modified),
                "taxline": "F",
            }
            total = _total(rt, b)
            out.append(
                {
                    **header,
                    "id": 0,
                    "linesequencenumber": 0,
                    "uniquekey": rec.id * 10000,
                    "mainline": "T",
                    "isclosed": "F",
                    "memo": _str(b.get("memo")),
                    "location": _ref(b.get("location")),
                    "department": _ref(b.get("department")),
                    "class": _ref(b.get("class")),
                    "netamount": None if total is None or rt.name == "journalEntry" else -sign * total,
                    "foreignamount": None if total is None or rt.name == "journalEntry" else -sign * total,
                }
            )
            used: set[int] = {0}
            seq = 0
            for sublist in _LINE_SUBLISTS:
                if sublist not in rt.sublists:
                    continue
                for line in b.get(sublist) or []:
                    if not isinstance(line, dict):
                        continue
                    for row in self._lines(rt, b, line, sign):
                        seq += 1
                        lid = line.get("line")
                        if not isinstance(lid, int) or isinstance(lid, bool) or lid in used or "id" in row:
                            lid = max(used) + 1
                        used.add(lid)
                        row.pop("id", None)
                        out.append(
                            {
                                **header,
                                **row,
                                "id": lid,
                                "linesequencenumber": seq,
                                "mainline": "F",
                                "uniquekey": _int(line.get("lineUniqueKey")) or rec.id * 10000 + seq,
                            }
                        )
        return out

    def _lines(self, rt: RecordType, b: dict[str, Any], line: dict[str, Any], sign: int) -> list[Row]:
        item = _ref(line.get("item"))
        qty = _num(line.get("quantity"))
        rate = _num(line.get("rate"))
        amount = _num(line.get("amount"))
        if amount is None and qty is not None and rate is not None:
            amount = qty * rate
        row: Row = {
            "item": item,
            "itemtype": _enum(line.get("itemType")) or self.item_type(item),
            "quantity": _signed(sign, qty),
            "rate": rate,
            "netamount": _signed(sign, amount),
            "foreignamount": _signed(sign, amount),
            "memo": _str(line.get("description", line.get("memo"))),
            "location": _ref(line.get("location")) or _ref(b.get("location")),
            "department": _ref(line.get("department")) or _ref(b.get("department")),
            "class": _ref(line.get("class")) or _ref(b.get("class")),
            "isclosed": _bool(line.get("isClosed")),
            "quantityshiprecv": _signed(
                sign, _num(line.get("quantityFulfilled", line.get("quantityReceived")))
            ),
            "quantitybilled": _signed(sign, _num(line.get("quantityBilled"))),
            "quantitycommitted": _num(line.get("quantityCommitted")),
            "quantitybackordered": _num(line.get("quantityBackOrdered")),
            "quantitypicked": _num(line.get("quantityPicked")),
            "quantitypacked": _num(line.get("quantityPacked")),
            "expectedshipdate": _date(line.get("expectedShipDate")),
        }
        if rt.name == "journalEntry":
            debit, credit = _num(line.get("debit")) or 0.0, _num(line.get("credit")) or 0.0
            row.update(
                netamount=debit - credit,
                foreignamount=debit - credit,
                entity=_ref(line.get("entity")) or _ref(b.get("entity")),
            )
        elif rt.name == "inventoryAdjustment":
            adjust = _num(line.get("adjustQtyBy"))
            row.update(quantity=adjust)
        elif rt.name == "inventoryTransfer":
            # NetSuite books a transfer as an issue at the source and a receipt at the destination.
            adjust = _num(line.get("adjustQtyBy"))
            to_row = {**row, "quantity": adjust, "location": _ref(b.get("transferLocation")), "id": None}
            row.update(quantity=None if adjust is None else -adjust)
            return [row, to_row]
        return [row]

    def _t_transactionaccountingline(self) -> list[Row]:
        chart = Chart((rec.id, b) for rec, b in self.records(["account"]))
        accounts = item_accounts({rec.id: b for rec, b in self.records(_family("item"))})
        out: list[Row] = []
        for rec, b in self.records(_family("transaction")):
            modified = self.dt(rec.last_modified)
            for ln in gl_lines(rec.rtype, b, chart, accounts):
                out.append(
                    {
                        "transaction": rec.id,
                        "transactionline": ln.line,
                        "accountingbook": 1,
                        "account": ln.account,
                        "debit": ln.debit or None,
                        "credit": ln.credit or None,
                        "amount": round(ln.debit - ln.credit, 2),
                        "netamount": round(ln.debit - ln.credit, 2),
                        "posting": "T",
                        "entity": ln.entity,
                        "memo": _str(ln.memo),
                        "lastmodifieddate": modified,
                    }
                )
        return out
