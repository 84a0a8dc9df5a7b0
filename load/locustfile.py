"""The locustfile of ``erpsim load``: every user class of the load model and the profile's shape."""

from load.shapes import ProfileShape
from load.users import MonitorUser, StorefrontUser, TillUser, TracerUser, WarehouseUser

__all__ = ["MonitorUser", "ProfileShape", "StorefrontUser", "TillUser", "TracerUser", "WarehouseUser"]
