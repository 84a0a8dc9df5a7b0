"""ap-vendors: vendors both ways between NetSuite and AP (Cashflow360 / BILL), with the seed's rules.

- NetSuite -> AP: every vendor of the AP organisation's subsidiary; a person is ``accountType`` PERSON named
  "first last", a company BUSINESS named by its company name. NetSuite changes reach AP.
- AP -> NetSuite: a vendor created in AP is created in NetSuite (external id ``ap-vendor-<AP id>``); a company
  needs its company name (the vendor name when blank); a person needs first and last names: when blank, the
  name is split on the first " " (first part first name, the rest last name) and a name that cannot be split
  is repeated for both.
- A vendor with Access enabled in NetSuite (``giveAccess``) stays NetSuite-owned: its AP edits are not synced
  but parked as ``netsuite_owned`` (the seed: "Updating the vendor in Cashflow360 will cause sync errors").
- What was last synced is kept as a fingerprint per vendor, so a change travels once and an unchanged vendor
  is never written again; when both sides changed since, NetSuite's version wins (it is master).
"""

from __future__ import annotations

from typing import Any

from ..clients.ap import ApClient
from .base import Context, Flow
from .nsrefs import NetSuiteRefs, require
from .work import Outcome, WorkQueue, content_hash, done, noop, skipped

CURSOR = "ap-vendors:updated"


def ap(ctx: Context) -> ApClient:
    """The AP client (the AP flows only run when it is configured)."""
    assert ctx.ap is not None
    return ctx.ap


def ap_subsidiary(ctx: Context, refs: NetSuiteRefs) -> str:
    """The NetSuite subsidiary the AP organisation is linked to."""
    return require(
        ctx.config.ap_subsidiary or refs.first(ctx.netsuite, "subsidiary"),
        "validation_error",
        "NetSuite has no subsidiary for the AP organisation",
    )


def split_name(name: str) -> tuple[str, str]:
    """The seed's rule: split on the first " "; a name that cannot be split is repeated for both parts."""
    first, _, rest = name.strip().partition(" ")
    return (first, rest.strip()) if rest.strip() else (name.strip(), name.strip())


def from_netsuite(row: dict[str, Any]) -> dict[str, Any]:
    """The shared form of a NetSuite vendor (SuiteQL row or record)."""
    person = str(row.get("isperson", row.get("isPerson", "F"))) in ("T", "True", "true")
    first = str(row.get("firstname", row.get("firstName")) or "").strip()
    last = str(row.get("lastname", row.get("lastName")) or "").strip()
    company = str(row.get("companyname", row.get("companyName")) or "").strip()
    name = f"{first} {last}".strip() if person else company
    return {
        "person": person,
        "name": name or str(row.get("entityid", row.get("entityId")) or ""),
        "first": first if person else None,
        "last": last if person else None,
        "company": None if person else company or name,
        "email": _blank(row.get("email")),
        "phone": _blank(row.get("phone")),
    }


def from_ap(vendor: dict[str, Any]) -> dict[str, Any]:
    """The shared form of an AP vendor (names completed by the seed's rules)."""
    person = vendor.get("accountType") == "PERSON"
    name = str(vendor.get("name") or "").strip()
    first, last = vendor.get("firstName"), vendor.get("lastName")
    if person and not (first and last):
        first, last = split_name(name)
    if person:  # NetSuite keeps a person's first and last names only: those are what is compared
        name = f"{first} {last}".strip()
    return {
        "person": person,
        "name": name,
        "first": first if person else None,
        "last": last if person else None,
        "company": None if person else (vendor.get("companyName") or name),
        "email": _blank(vendor.get("email")),
        "phone": _blank(vendor.get("phone")),
    }


def as_company(v: dict[str, Any]) -> dict[str, Any]:
    """The shared form as the ``vendors-as-companies`` mutant sees every vendor: a company named by its name."""
    return {**v, "person": False, "first": None, "last": None, "company": v["name"]}


def ap_body(v: dict[str, Any], *, rename: bool = True) -> dict[str, Any]:
    """An AP vendor body from the shared form (a person's AP display name is kept unless ``rename``)."""
    body: dict[str, Any] = {
        "name": v["name"],
        "accountType": "PERSON" if v["person"] else "BUSINESS",
        "email": v["email"],
        "phone": v["phone"],
    }
    if v["person"] and not rename:
        del body["name"]
    if v["person"]:
        body.update(firstName=v["first"], lastName=v["last"])
    else:
        body["companyName"] = v["company"]
    return body


def netsuite_body(v: dict[str, Any]) -> dict[str, Any]:
    """A NetSuite vendor body from the shared form."""
    body: dict[str, Any] = {"isPerson": v["person"], "email": v["email"] or "", "phone": v["phone"] or ""}
    if v["person"]:
        body.update(firstName=v["first"], lastName=v["last"])
    else:
        body["companyName"] = v["company"]
    return body


def _blank(value: Any) -> str | None:
    text = str(value or "").strip()
    return text or None


class ApVendorsFlow(Flow):
    """Vendors both ways between NetSuite and AP."""

    name = "ap-vendors"
    systems = ("netsuite", "ap")
    description = (
        "vendors both ways between NetSuite and AP (person names split; NetSuite-access vendors owned there)"
    )

    def __init__(self) -> None:
        self.work = WorkQueue(self.name)
        self.refs = NetSuiteRefs()

    def run(self, ctx: Context) -> None:
        """Stage vendors that changed on either side since they were last synced; write them across."""
        self.refs.for_pass(ctx)
        subsidiary = ap_subsidiary(ctx, self.refs)
        rows = ctx.netsuite.suiteql(
            "SELECT id, entityid, companyname, firstname, lastname, isperson, email, phone, externalid FROM vendor "
            f"WHERE subsidiary = {int(subsidiary)} AND isinactive = 'F' ORDER BY id"
        )
        synced = {key: data for key, (_, data) in _mapped(ctx, "netsuite").items()}
        cursor = ctx.state.cursor(CURSOR)
        vendors = ap(ctx).list_all(
            "/vendors", filters=f"updatedTime:gte:{cursor}" if cursor else "", sort="updatedTime:asc"
        )
        ap_synced = {key: data for key, (_, data) in _mapped(ctx, "ap").items()}
        with ctx.state.tx() as session:
            for row in rows:
                ns_id, shared = str(row["id"]), from_netsuite(row)
                known = synced.get(ns_id)
                eid = str(row.get("externalid") or "")
                if known is None and eid.startswith("ap-vendor-"):
                    continue  # created from AP: the AP side maps it
                if known is None or known.get("hash") != content_hash(shared):
                    self.work.stage(
                        ctx,
                        session,
                        f"ns-vendor:{ns_id}",
                        {"ns": ns_id, "vendor": shared},
                        reopen=("done", "skipped"),
                    )
            for vendor in vendors:
                if vendor.get("archived"):
                    continue
                known = ap_synced.get(vendor["id"])
                shared = self._from_ap(ctx, vendor)
                if known is None or known.get("hash") != content_hash(shared):
                    self.work.stage(
                        ctx,
                        session,
                        f"ap-vendor:{vendor['id']}",
                        {"ap": vendor["id"], "vendor": shared},
                        reopen=("done", "skipped"),
                    )
            if vendors:
                ctx.state.set_cursor(session, CURSOR, str(vendors[-1]["updatedTime"]))
        self.work.process(
            ctx,
            lambda key, payload: self._write(ctx, key, payload, subsidiary),
            lambda key, payload: {
                "vendor": payload.get("ns") or payload.get("ap"),
                "name": payload["vendor"]["name"],
            },
        )

    @staticmethod
    def _from_ap(ctx: Context, vendor: dict[str, Any]) -> dict[str, Any]:
        """An AP vendor as it goes to NetSuite: a person stays a person with first and last names."""
        shared = from_ap(vendor)
        return as_company(shared) if ctx.safeguards.off("vendors-as-companies") else shared

    def _write(self, ctx: Context, key: str, payload: dict[str, Any], subsidiary: str) -> Outcome:
        if key.startswith("ns-vendor:"):
            return self._to_ap(ctx, payload["ns"], payload["vendor"])
        return self._to_netsuite(ctx, payload["ap"], subsidiary)

    def _remember(self, ctx: Context, ns_id: str, ap_id: str, shared: dict[str, Any], origin: str) -> None:
        data = {"hash": content_hash(shared), "origin": origin}
        ctx.state.set_mapping("netsuite", "vendor", ns_id, ap_id, data)
        ctx.state.set_mapping("ap", "vendor", ap_id, ns_id, data)

    def _to_ap(self, ctx: Context, ns_id: str, shared: dict[str, Any]) -> Outcome:
        mapped = ctx.state.mapped("netsuite", "vendor", ns_id)
        origin = (ctx.state.mapping_data("netsuite", "vendor", ns_id) or {}).get("origin", "netsuite")
        if mapped is None:
            created = ap(ctx).create_keyed("/vendors", ap_body(shared), f"name:eq:{shared['name']}")
            self._remember(ctx, ns_id, created["id"], shared, "netsuite")
            return done(ap=created["id"])
        current = from_ap(ap(ctx).get(f"/vendors/{mapped}"))
        self._remember(ctx, ns_id, mapped, shared, origin)
        if current == shared:
            return noop(ap=mapped)
        ap(ctx).patch(f"/vendors/{mapped}", ap_body(shared, rename=current["name"] != shared["name"]))
        return done(ap=mapped, updated=True)

    def _to_netsuite(self, ctx: Context, ap_id: str, subsidiary: str) -> Outcome:
        vendor = ap(ctx).get(f"/vendors/{ap_id}")
        shared = self._from_ap(ctx, vendor)
        mapped = ctx.state.mapped("ap", "vendor", ap_id)
        if mapped is None:
            body = {
                **netsuite_body(shared),
                "subsidiary": {"id": subsidiary},
                "externalId": f"ap-vendor-{ap_id}",
            }
            if ctx.safeguards.off("no-idempotency"):
                body.pop("externalId")
            ns_id = ctx.netsuite.create_keyed("vendor", body)
            self._remember(ctx, ns_id, ap_id, shared, "ap")
            return done(netsuite=ns_id)
        record = ctx.netsuite.get("vendor", mapped, expand=False)
        origin = (ctx.state.mapping_data("ap", "vendor", ap_id) or {}).get("origin", "ap")
        if from_netsuite(record) == shared:
            self._remember(ctx, mapped, ap_id, shared, origin)
            return noop(netsuite=mapped)
        if record.get("giveAccess"):
            ctx.park(
                self.name,
                "netsuite_owned",
                f"ap-vendor-owned:{ap_id}",
                f"vendor {shared['name']} has Access enabled in NetSuite: change it in NetSuite; the AP edit "
                "is not synced",
                records={
                    "vendor": ap_id,
                    "netsuite": mapped,
                    "ap": shared,
                    "netsuiteVendor": from_netsuite(record),
                },
            )
            return skipped("NetSuite-owned (Access enabled)")
        ctx.netsuite.patch("vendor", mapped, netsuite_body(shared))
        self._remember(ctx, mapped, ap_id, shared, origin)
        return done(netsuite=mapped, updated=True)


def _mapped(ctx: Context, system: str) -> dict[str, tuple[str, dict[str, Any]]]:
    from .work import mappings_with_data

    return mappings_with_data(ctx, system, "vendor")
