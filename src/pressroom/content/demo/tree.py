"""What the DEMO space holds: the page tree, the blog posts and their attachments.

Bodies live next to this module as ``pages/<name>.xml`` (storage format, no root
element); attachments are either drawn by :mod:`.images` or read from ``files/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Protocol

from pressroom.content.demo.images import DEMO_IMAGES

SPACE_KEY = "DEMO"
SPACE_NAME = "Anchorage Documentation"
SPACE_DESCRIPTION = (
    "Administrator manual of Anchorage, a private container registry by the fictional "
    "Tidewater Labs: the demo content Pressroom's Word and PDF exports are judged on."
)


class DemoAttachment(Protocol):
    @property
    def filename(self) -> str: ...

    @property
    def media_type(self) -> str: ...

    @property
    def comment(self) -> str: ...

    def encode(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class DemoFile:
    """An attachment kept as a text file in the package's ``files/`` folder."""

    filename: str
    media_type: str
    comment: str

    def encode(self) -> bytes:
        return resources.files(__package__).joinpath("files", self.filename).read_bytes()


SAMPLE_CONFIGURATION = DemoFile(
    "anchorage-sample.yaml", "application/yaml", "Sample configuration file"
)
ATTACHMENTS: dict[str, DemoAttachment] = {image.filename: image for image in DEMO_IMAGES} | {
    SAMPLE_CONFIGURATION.filename: SAMPLE_CONFIGURATION
}


@dataclass(frozen=True, slots=True)
class DemoPage:
    title: str
    body: str
    children: tuple[DemoPage, ...] = ()
    labels: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DemoBlogPost:
    title: str
    body: str
    posted: datetime
    labels: tuple[str, ...] = ()


def read_body(name: str) -> str:
    return resources.files(__package__).joinpath("pages", f"{name}.xml").read_text("utf-8")


PAGE_TREE: tuple[DemoPage, ...] = (
    DemoPage(
        "Anchorage Documentation",
        "home",
        labels=("anchorage", "manual"),
        attachments=("anchorage-icon.png",),
        children=(
            DemoPage(
                "Getting Started",
                "getting-started",
                labels=("getting-started",),
                attachments=("console-repositories.jpg",),
                children=(
                    DemoPage("System Requirements", "system-requirements", labels=("sizing",)),
                    DemoPage(
                        "Installing Anchorage",
                        "installing",
                        labels=("installation",),
                        attachments=("anchorage-sample.yaml",),
                        children=(
                            DemoPage(
                                "Installing on Kubernetes",
                                "installing-kubernetes",
                                labels=("installation", "kubernetes"),
                            ),
                        ),
                    ),
                ),
            ),
            DemoPage(
                "Architecture Overview",
                "architecture",
                labels=("architecture",),
                attachments=("anchorage-architecture.png",),
                children=(
                    DemoPage(
                        "Storage Backends",
                        "storage-backends",
                        labels=("storage",),
                        attachments=("replication-timeline.png",),
                    ),
                ),
            ),
            DemoPage(
                "Administration Guide",
                "administration",
                children=(
                    DemoPage("Configuration Reference", "configuration", labels=("reference",)),
                    DemoPage("Access Control", "access-control", labels=("security",)),
                ),
            ),
            DemoPage("API Reference", "api-reference", labels=("reference", "api")),
            DemoPage("Release Notes", "release-notes", labels=("release-notes",)),
        ),
    ),
    # A second root: linked and included from the manual, but outside its export tree.
    DemoPage("Support Contacts", "support-contacts", labels=("shared",)),
)

BLOG_POSTS: tuple[DemoBlogPost, ...] = (
    DemoBlogPost(
        "Anchorage 3.2 is available",
        "blog-anchorage-3-2",
        datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        labels=("release",),
    ),
    DemoBlogPost(
        "Retiring the v1 catalogue API",
        "blog-v1-retirement",
        datetime(2026, 11, 16, 14, 0, tzinfo=UTC),
        labels=("api", "deprecation"),
    ),
)
