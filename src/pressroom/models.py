"""Imports every model module so that ``Base.metadata`` knows all tables."""

from pressroom.auth.models import (
    AccessToken,
    AuditEvent,
    Group,
    LoginFailure,
    LoginSession,
    ServerSetting,
    SpacePermission,
    User,
)
from pressroom.content.models import Content, ContentVersion, Label, Space
from pressroom.content.template_models import WordTemplate
from pressroom.content.version_models import (
    AttributeValue,
    DocVersion,
    PageTranslation,
    PageVersion,
    SpaceLanguage,
    SpaceVersioning,
    Variant,
    VariantAttribute,
)
from pressroom.jobs.models import ExportJob

__all__ = [
    "AccessToken",
    "AttributeValue",
    "AuditEvent",
    "Content",
    "ContentVersion",
    "DocVersion",
    "ExportJob",
    "Group",
    "Label",
    "LoginFailure",
    "LoginSession",
    "PageTranslation",
    "PageVersion",
    "ServerSetting",
    "Space",
    "SpaceLanguage",
    "SpacePermission",
    "SpaceVersioning",
    "User",
    "Variant",
    "VariantAttribute",
    "WordTemplate",
]
