"""Imports every model module so that ``Base.metadata`` knows all tables."""

from pressroom.auth.models import SpacePermission, User
from pressroom.content.models import Content, ContentVersion, Label, Space
from pressroom.content.template_models import WordTemplate
from pressroom.jobs.models import ExportJob

__all__ = [
    "Content",
    "ContentVersion",
    "ExportJob",
    "Label",
    "Space",
    "SpacePermission",
    "User",
    "WordTemplate",
]
