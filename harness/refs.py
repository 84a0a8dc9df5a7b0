"""World refs (``SO1``, ``TENT``, ``MAIN``...) and the ``${REF.attr}`` templates of scenario steps.

``${REF}`` is the NetSuite internal id. Attributes set by the seed: ``sku``, ``externalId``, ``email``,
``wms`` / ``pos`` / ``qms`` / ``ap`` (the id in that system), ``wms_sku``, ``pos_store``, ``pos_register``...
Attributes looked up live, in the current state of the world (what the connector created):
``${SO1.tranId}``, ``${SO1.wms}`` (the latest live WMS order of the sales order), ``${SO1.wms_ref}`` (its client
reference), ``${SO1.fulfillment}`` (its item fulfilment). A saved API response is ``${NAME.path.to.field}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .scenario import TEMPLATE
from .views import NetSuiteView, WmsView


class RefError(LookupError):
    """A template that names something the world does not (yet) have."""


class RefMap:
    """Ref -> attributes (ids per system and natural keys), filled by the seed."""

    def __init__(self) -> None:
        self.refs: dict[str, dict[str, Any]] = {}
        self.meta: dict[str, Any] = {}

    def add(self, ref: str, kind: str, **attrs: Any) -> None:
        """Register a ref of a kind (location, item, customer, vendor, salesOrder)."""
        self.refs[ref] = {"kind": kind, **attrs}

    def update(self, ref: str, **attrs: Any) -> None:
        """Add attributes to a ref."""
        self.refs.setdefault(ref, {"kind": "unknown"}).update(attrs)

    def kind(self, ref: str) -> str:
        """The ref's kind."""
        return str(self.refs[ref]["kind"])

    def id(self, ref: str) -> int:
        """The NetSuite internal id of a ref."""
        return int(self.refs[ref]["netsuite"])

    def get(self, ref: str, attr: str) -> Any:
        """A seeded attribute of a ref."""
        return self.refs[ref].get(attr)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Every ref with its attributes (for reports)."""
        return {k: dict(v) for k, v in self.refs.items()}


StateProvider = Callable[[str], dict[str, Any]]


class Resolver:
    """Replaces ``${...}`` in step bodies using the ref map, saved responses and the live state."""

    def __init__(self, refs: RefMap, state: StateProvider) -> None:
        self.refs = refs
        self.state = state
        self.saved: dict[str, Any] = {}

    def resolve(self, value: Any) -> Any:
        """``value`` with every template replaced (a whole-string template keeps the value's type)."""
        if isinstance(value, str):
            whole = TEMPLATE.fullmatch(value)
            if whole:
                return self.lookup(whole.group(1), whole.group(2))
            return TEMPLATE.sub(lambda m: str(self.lookup(m.group(1), m.group(2))), value)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def lookup(self, name: str, path: str) -> Any:
        """The value of ``${name<path>}``."""
        attrs = [p for p in path.split(".") if p]
        if name in self.saved:
            value = self.saved[name]
            for a in attrs:
                try:
                    value = value[int(a)] if isinstance(value, list) else value[a]
                except (KeyError, IndexError, ValueError, TypeError):
                    raise RefError(f"${{{name}{path}}}: the saved response has no {a!r}") from None
            return value
        if name not in self.refs.refs:
            raise RefError(f"${{{name}}} is not a ref of this world")
        if not attrs:
            return self.refs.id(name)
        attr = attrs[0]
        seeded = self.refs.get(name, attr)
        if seeded is not None:
            return seeded
        return self._live(name, attr)

    def _live(self, name: str, attr: str) -> Any:
        kind = self.refs.kind(name)
        if kind == "salesOrder":
            ns = NetSuiteView(self.state("netsuite"))
            so = ns.record("salesOrder", self.refs.id(name))
            if so is None:
                raise RefError(f"${{{name}}}: sales order {self.refs.id(name)} no longer exists in NetSuite")
            if attr in ("tranId", "status", "orderStatus"):
                return so["body"].get(attr) if attr != "status" else ns.status_id(so)
            if attr in ("wms", "wms_ref"):
                view = WmsView(self.state("wms"))
                orders = view.live_orders_for_sales_order(so) or view.orders_for_sales_order(so)
                if not orders:
                    raise RefError(
                        f"${{{name}.{attr}}}: the WMS has no order for sales order {so['id']} yet "
                        f"(did the connector send it?)"
                    )
                latest = max(orders, key=lambda o: int(o["id"]))
                return latest["id"] if attr == "wms" else latest["client_reference"]
            if attr == "fulfillment":
                found = ns.fulfillments_for(so["id"])
                if not found:
                    raise RefError(f"${{{name}.fulfillment}}: sales order {so['id']} has no item fulfilment")
                return found[0]["id"]
        raise RefError(f"${{{name}.{attr}}}: {kind} refs have no attribute {attr!r}")
