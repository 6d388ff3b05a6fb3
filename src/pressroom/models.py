"""Imports every model module so that ``Base.metadata`` knows all tables."""

from pressroom.auth.models import SpacePermission, User
from pressroom.content.models import Content, ContentVersion, Label, Space

__all__ = ["Content", "ContentVersion", "Label", "Space", "SpacePermission", "User"]
