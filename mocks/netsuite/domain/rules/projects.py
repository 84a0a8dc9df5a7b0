"""Projects (jobs) and kit items."""

from __future__ import annotations

from ...errors import invalid_reference, user_error
from ..records import Ctx, Rec
from ..values import ref_id
from .base import register
from .references import rec_of
from .setup import EntityRules, ItemRules

#: The Cashflow360 seed: "The Oracle NetSuite character limit for Jobs/Projects is 100 characters" (the
#: project's name; its entity id stays under the 83-character limit of every entity).
MAX_PROJECT_NAME = 100


@register("job")
class JobRules(EntityRules):
    """A project belongs to a customer of its own subsidiary; its name is at most 100 characters."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Name length, the parent customer's subsidiary and currency, then the entity rules."""
        body = rec.body
        name = str(body.get("companyName") or "")
        if len(name) > MAX_PROJECT_NAME:
            # The wording NetSuite uses for over-long fields; no public source shows it for a project name.
            raise user_error(
                f"The field companyname contained more than the maximum number ( {MAX_PROJECT_NAME} ) "
                "of characters allowed.",
                path="companyName",
            )
        parent = rec_of(ctx, body.get("parent"), "entity")
        if parent is not None:
            if not body.get("subsidiary") and parent.body.get("subsidiary"):
                body["subsidiary"] = parent.body["subsidiary"]
            if not body.get("currency") and parent.body.get("currency"):
                body["currency"] = parent.body["currency"]
            if ref_id(parent.body.get("subsidiary")) not in (None, ref_id(body.get("subsidiary"))):
                raise invalid_reference(
                    "parent", parent.id, "parent", within=f"subsidiary {ref_id(body.get('subsidiary'))}"
                )
        super().prepare(ctx, rec, old)


@register("kitItem")
class KitItemRules(ItemRules):
    """A kit has at least one member; members are items other than the kit itself."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Members present and valid, then the item rules."""
        members = rec.lines("member")
        if not members:
            # No public source gives NetSuite's words; the kit form refuses to save without components.
            raise user_error("You must enter at least one member item for a kit.", path="member")
        for i, ln in enumerate(members):
            if ref_id(ln.get("item")) == str(rec.id):
                raise user_error("A kit cannot be its own member.", path=f"member.items[{i}].item")
            if ln.get("quantity") is not None and float(ln["quantity"]) <= 0:
                raise user_error(
                    "The member quantity must be greater than zero.", path=f"member.items[{i}].quantity"
                )
        super().prepare(ctx, rec, old)
