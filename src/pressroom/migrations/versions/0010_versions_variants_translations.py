"""versions, variants and translations of pages (Scroll Versions and Scroll Translations)

New tables only; no existing row changes. ``space_versioning`` holds each space's
features, its current version and default language; ``doc_versions`` the chains of
versions; ``page_versions`` what a page is in a version (changed, new or removed; a
page keeps its one id); ``variant_attributes``, ``attribute_values``, ``variants``,
``variant_values`` and ``page_attribute_values`` the variants; ``space_languages`` and
``page_translations`` the translations. Downgrading drops them with what they hold.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 00:46:37
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "doc_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("preceding_version_id", sa.Integer(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("color", sa.String(length=32), nullable=False),
        sa.Column("runtime_accessible", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["preceding_version_id"],
            ["doc_versions.id"],
            name=op.f("fk_doc_versions_preceding_version_id_doc_versions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["spaces.id"],
            name=op.f("fk_doc_versions_space_id_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doc_versions")),
        sa.UniqueConstraint("space_id", "name", name=op.f("uq_doc_versions_space_id")),
    )
    with op.batch_alter_table("doc_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_doc_versions_space_id"), ["space_id"], unique=False)

    op.create_table(
        "space_languages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["spaces.id"],
            name=op.f("fk_space_languages_space_id_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_space_languages")),
        sa.UniqueConstraint("space_id", "key", name=op.f("uq_space_languages_space_id")),
    )
    op.create_table(
        "variant_attributes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["spaces.id"],
            name=op.f("fk_variant_attributes_space_id_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variant_attributes")),
        sa.UniqueConstraint("space_id", "name", name=op.f("uq_variant_attributes_space_id")),
    )
    with op.batch_alter_table("variant_attributes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_variant_attributes_space_id"), ["space_id"], unique=False
        )

    op.create_table(
        "variants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["spaces.id"],
            name=op.f("fk_variants_space_id_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variants")),
        sa.UniqueConstraint("space_id", "name", name=op.f("uq_variants_space_id")),
    )
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_variants_space_id"), ["space_id"], unique=False)

    op.create_table(
        "attribute_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attribute_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["attribute_id"],
            ["variant_attributes.id"],
            name=op.f("fk_attribute_values_attribute_id_variant_attributes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attribute_values")),
        sa.UniqueConstraint("attribute_id", "name", name=op.f("uq_attribute_values_attribute_id")),
    )
    op.create_table(
        "page_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("language_key", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("modifier_id", sa.Integer(), nullable=True),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_page_translations_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["modifier_id"],
            ["users.id"],
            name=op.f("fk_page_translations_modifier_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_translations")),
        sa.UniqueConstraint(
            "content_id", "language_key", name=op.f("uq_page_translations_content_id")
        ),
    )
    op.create_table(
        "page_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("modifier_id", sa.Integer(), nullable=True),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_page_versions_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["modifier_id"],
            ["users.id"],
            name=op.f("fk_page_versions_modifier_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["doc_versions.id"],
            name=op.f("fk_page_versions_version_id_doc_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_versions")),
        sa.UniqueConstraint("content_id", "version_id", name=op.f("uq_page_versions_content_id")),
    )
    with op.batch_alter_table("page_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_page_versions_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "space_versioning",
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("versions_enabled", sa.Boolean(), nullable=False),
        sa.Column("variants_enabled", sa.Boolean(), nullable=False),
        sa.Column("translations_enabled", sa.Boolean(), nullable=False),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.Column("default_language", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["current_version_id"],
            ["doc_versions.id"],
            name=op.f("fk_space_versioning_current_version_id_doc_versions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["spaces.id"],
            name=op.f("fk_space_versioning_space_id_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("space_id", name=op.f("pk_space_versioning")),
    )
    op.create_table(
        "page_attribute_values",
        sa.Column(
            "content_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("value_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content.id"],
            name=op.f("fk_page_attribute_values_content_id_content"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["value_id"],
            ["attribute_values.id"],
            name=op.f("fk_page_attribute_values_value_id_attribute_values"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("content_id", "value_id", name=op.f("pk_page_attribute_values")),
    )
    op.create_table(
        "variant_values",
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("value_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["value_id"],
            ["attribute_values.id"],
            name=op.f("fk_variant_values_value_id_attribute_values"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["variants.id"],
            name=op.f("fk_variant_values_variant_id_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("variant_id", "value_id", name=op.f("pk_variant_values")),
    )


def downgrade() -> None:
    op.drop_table("variant_values")
    op.drop_table("page_attribute_values")
    op.drop_table("space_versioning")
    with op.batch_alter_table("page_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_versions_version_id"))

    op.drop_table("page_versions")
    op.drop_table("page_translations")
    op.drop_table("attribute_values")
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_variants_space_id"))

    op.drop_table("variants")
    with op.batch_alter_table("variant_attributes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_variant_attributes_space_id"))

    op.drop_table("variant_attributes")
    op.drop_table("space_languages")
    with op.batch_alter_table("doc_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_doc_versions_space_id"))

    op.drop_table("doc_versions")
