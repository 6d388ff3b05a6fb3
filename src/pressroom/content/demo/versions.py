"""The VERS demo space: three versions, two variants and two languages of one small
guide, so that every combination of ``versionId``, ``variantId`` and ``languageKey``
exports visibly different text.

- Versions 1.0 → 2.0 → 3.0 (3.0 current). "Installation" is edited in 2.0 and 3.0;
  "Migrating from 1.x" is new in 2.0; "Legacy API" is removed in 3.0.
- Attribute Platform (Windows, Linux); variants Windows and Linux. The guide's body has
  conditional content for each, block and inline; "Linux packaging" carries
  Platform = Linux, so the Windows variant leaves it out.
- Languages English (default) and German: the guide and "Installation" are translated,
  the rest falls back to English (and the export log says so). Translations are per
  page, not per version: the German "Installation" is the same in every version.

Seeded once: when the space exists nothing is touched.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity
from pressroom.content.documents import create_document
from pressroom.content.models import Content, Space
from pressroom.content.spaces import create_space
from pressroom.content.translations import add_language, put_translation
from pressroom.content.variants import create_attribute, create_variant, set_page_values
from pressroom.content.versions import (
    VersionFields,
    create_version,
    edit_page_in_version,
    update_versioning,
)

SPACE_KEY = "VERS"


def _conditional(body: str, condition: str, inline: bool = False) -> str:
    name = "scroll-conditional-content" if inline else "conditional-content"
    return (
        f'<ac:structured-macro ac:name="{name}">'
        f'<ac:parameter ac:name="condition">{condition}</ac:parameter>'
        f"<ac:rich-text-body>{body}</ac:rich-text-body></ac:structured-macro>"
    )


GUIDE = (
    "<p>Orbit SDK talks to satellites from your desktop.</p>"
    + _conditional("<p>On Windows, run <code>orbit-setup.exe</code>.</p>", "Platform = Windows")
    + _conditional("<p>On Linux, run <code>./orbit-setup.sh</code>.</p>", "Platform = Linux")
    + "<p>Open a terminal with "
    + _conditional("<p><strong>Win+R</strong></p>", "Platform = Windows", inline=True)
    + _conditional("<p><strong>Ctrl+Alt+T</strong></p>", "Platform = Linux", inline=True)
    + ".</p>"
)
GUIDE_DE = (
    "<p>Orbit SDK spricht von Ihrem Rechner aus mit Satelliten.</p>"
    + _conditional(
        "<p>Unter Windows: <code>orbit-setup.exe</code> starten.</p>", "Platform = Windows"
    )
    + _conditional("<p>Unter Linux: <code>./orbit-setup.sh</code> starten.</p>", "Platform = Linux")
)


def seed_versions_space(session: Session, identity: Identity) -> list[str]:
    """Create the VERS space unless it exists; what was created, for the log."""
    if session.scalar(select(Space.id).where(Space.key == SPACE_KEY)) is not None:
        return []
    space = create_space(
        session,
        identity,
        SPACE_KEY,
        "Orbit SDK (versions)",
        "Versions, variants and translations of one guide",
        anonymous_view=True,
    )

    def page(title: str, body: str, parent: Content | None = None) -> Content:
        return create_document(
            session,
            identity,
            content_type="page",
            space_key=SPACE_KEY,
            title=title,
            body=body,
            parent_id=parent.id if parent else None,
        )

    guide = page("Orbit SDK Guide", GUIDE)
    install = page("Installation", "<p>Install Orbit 1.0 from the CD-ROM.</p>", guide)
    migrating = page("Migrating from 1.x", "<p>Rename orbit.ini to orbit.toml.</p>", guide)
    legacy = page("Legacy API", "<p>The 1.x callback API still works.</p>", guide)
    packaging = page("Linux packaging", "<p>Orbit ships .deb and .rpm packages.</p>", guide)

    one = create_version(session, space, VersionFields(name="1.0"))
    two = create_version(session, space, VersionFields(name="2.0", preceding_version_id=one.id))
    three = create_version(session, space, VersionFields(name="3.0", preceding_version_id=two.id))
    update_versioning(
        session,
        space,
        {
            "versions_enabled": True,
            "variants_enabled": True,
            "translations_enabled": True,
            "current_version_id": three.id,
        },
    )
    for target, version, state, body in (
        (install, two, "changed", "<p>Install Orbit 2.0 with the online installer.</p>"),
        (install, three, "changed", "<p>Install Orbit 3.0 from the package manager.</p>"),
        (migrating, two, "new", "<p>Rename orbit.ini to orbit.toml.</p>"),
        (legacy, three, "removed", ""),
    ):
        edit_page_in_version(
            session,
            target,
            version,
            state=state,
            title=None,
            body=body,
            modifier_id=identity.user_id,
        )

    platform = create_attribute(session, space, "Platform", ["Windows", "Linux"])
    values = {name: value_id for value_id, name in platform.values}
    for name in ("Windows", "Linux"):
        create_variant(session, space, name, f"Orbit on {name}", [(platform.id, [values[name]])])
    set_page_values(session, packaging, [values["Linux"]])

    add_language(session, space, "de", "Deutsch")
    put_translation(session, guide, "de", "Orbit-SDK-Handbuch", GUIDE_DE, identity.user_id)
    put_translation(
        session,
        install,
        "de",
        "Installation",
        "<p>Orbit installieren: siehe die Hinweise Ihrer Version.</p>",
        identity.user_id,
    )
    return [f"space {SPACE_KEY} with versions 1.0, 2.0, 3.0, variants and German"]
