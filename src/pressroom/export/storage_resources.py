"""Resource identifiers (``ri:``) and media of the storage format: link targets,
images, emoticons."""

from __future__ import annotations

import re
from typing import Final, Literal

from lxml import etree

from pressroom.export.ast import (
    AnchorTarget,
    AttachmentTarget,
    Emoticon,
    ExternalTarget,
    Image,
    Inline,
    Link,
    LinkTarget,
    PageTarget,
    Text,
    UserMention,
    inline_text,
)
from pressroom.export.storage_markup import ac, flag, pixels, ri, tag_name

_SAFE_SCHEMES: Final = frozenset({"http", "https", "mailto", "ftp", "ftps", "tel", "file", "news"})
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")
_EMOTICONS: Final = {
    "smile": "\U0001f642",
    "sad": "\U0001f641",
    "cheeky": "\U0001f61b",
    "laugh": "\U0001f600",
    "wink": "\U0001f609",
    "thumbs-up": "\U0001f44d",
    "thumbs-down": "\U0001f44e",
    "information": "\u2139\ufe0f",
    "tick": "\u2705",
    "cross": "\u274c",
    "warning": "\u26a0\ufe0f",
    "plus": "\u2795",
    "minus": "\u2796",
    "question": "\u2753",
    "light-on": "\U0001f4a1",
    "light-off": "\U0001f4a1",
    "yellow-star": "\u2b50",
    "red-star": "\u2b50",
    "green-star": "\u2b50",
    "blue-star": "\u2b50",
    "heart": "\u2764\ufe0f",
    "broken-heart": "\U0001f494",
}
_IMAGE_ALIGN: Final[dict[str, Literal["left", "center", "right"]]] = {
    "left": "left",
    "align-start": "left",
    "center": "center",
    "right": "right",
    "align-end": "right",
}


def unsafe_scheme(href: str) -> str | None:
    """The scheme of ``href`` when links must not carry it (``javascript:``...)."""
    scheme = _SCHEME.match(href)
    if scheme and scheme.group(1).lower() not in _SAFE_SCHEMES:
        return scheme.group(1)
    return None


def resource_link(
    resource: etree._Element, anchor: str | None, body: list[Inline] | None
) -> list[Inline]:
    """An ``ac:link`` to a page, blog post, attachment, URL, user or space."""
    name = tag_name(resource)
    target: LinkTarget | None = None
    label = ""
    if name in ("ri:page", "ri:blog-post"):
        title = ri(resource, "content-title")
        if not title:  # a link to an anchor on this page
            target = AnchorTarget(anchor) if anchor else None
            label = anchor or ""
        else:
            blog = name == "ri:blog-post"
            target = PageTarget(
                title,
                ri(resource, "space-key"),
                "blogpost" if blog else "page",
                ri(resource, "posting-day") if blog else None,
                anchor,
            )
            label = title
    elif name == "ri:attachment":
        filename = ri(resource, "filename") or ""
        owner = _owner(resource)
        target = AttachmentTarget(filename, owner[0], owner[1]) if filename else None
        label = filename
    elif name == "ri:user":
        return [
            UserMention(
                username=ri(resource, "username"),
                userkey=ri(resource, "userkey"),
                display_name=inline_text(body).strip() or None if body else None,
                account_id=ri(resource, "account-id"),
            )
        ]
    elif name == "ri:url":
        url = ri(resource, "value") or ""
        target = ExternalTarget(url) if url else None
        label = url
    elif name == "ri:space":
        label = ri(resource, "space-key") or ""
    if target is None:
        return body or ([Text(label)] if label else [])
    return [Link(target, body or [Text(label)])]


def storage_image(element: etree._Element) -> Image | None:
    """An ``ac:image``; None when it names no source."""
    image = Image(
        width=pixels(ac(element, "width")),
        height=pixels(ac(element, "height")),
        align=_IMAGE_ALIGN.get((ac(element, "align") or ac(element, "layout") or "").lower()),
        alt=ac(element, "alt"),
        title=ac(element, "title"),
        border=flag(ac(element, "border")),
    )
    for child in element:
        name = tag_name(child)
        if name == "ri:attachment":
            image.attachment = ri(child, "filename")
            image.page_title, image.space_key = _owner(child)
        elif name == "ri:url":
            image.url = ri(child, "value")
        elif name == "ac:adf-mark" and child.get("key") == "border":
            image.border = True
    return image if image.attachment or image.url else None


def html_image(element: etree._Element) -> list[Inline]:
    source = element.get("src")
    if not source:
        return []
    return [
        Image(
            url=source,
            width=pixels(element.get("width")),
            height=pixels(element.get("height")),
            alt=element.get("alt"),
            title=element.get("title"),
        )
    ]


def emoticon(element: etree._Element) -> list[Inline]:
    """An ``ac:emoticon`` as Server (``ac:name``) or Cloud (``ac:emoji-*``) writes it.

    Cloud keeps ``ac:name`` for older readers: a legacy name for Atlassian's own
    emoticons, ``blue-star`` for every other emoji. Its ``ac:emoji-id`` is code points
    (``1f600``, ``1f1f0-1f1f7``) for Unicode emoji and anything else for Atlassian's
    and custom emoji (``atlassian-check_mark``, long hex ids): those fall back to
    ``ac:emoji-fallback`` or the short name, shown as ``:name:`` when nothing else is
    known."""
    legacy = (ac(element, "name") or "").strip()
    shortname = (ac(element, "emoji-shortname") or "").strip()
    fallback = (ac(element, "emoji-fallback") or "").strip()
    emoji_id = (ac(element, "emoji-id") or "").strip()
    if not (shortname or fallback or emoji_id):
        if not legacy:
            return []
        return [Emoticon(legacy, _EMOTICONS.get(legacy) or f"({legacy})")]
    short = (shortname or (fallback if _is_shortname(fallback) else "")).strip(":")
    glyph = _emoji_from_id(emoji_id) or ("" if _is_shortname(fallback) else fallback)
    atlassian = _ATLASSIAN.get(short) or _ATLASSIAN.get(emoji_id.removeprefix("atlassian-"))
    if atlassian is not None and not glyph:  # an emoji with code points stays that emoji
        return [Emoticon(atlassian, _EMOTICONS[atlassian])]
    if not glyph and legacy in _EMOTICONS and (legacy != "blue-star" or not short):
        return [Emoticon(legacy, _EMOTICONS[legacy])]
    if short:  # an emoji: named as Cloud names it, never as a legacy emoticon
        return [Emoticon(f":{short}:", glyph or f":{short}:")]
    return [Emoticon(legacy, glyph or (f":{legacy}:" if legacy else "?"))]


def _is_shortname(text: str) -> bool:
    return len(text) > 2 and text.startswith(":") and text.endswith(":")


# Atlassian's own emoticons in Cloud (short names, and ids after "atlassian-"),
# by the legacy name of the same emoticon.
_ATLASSIAN: Final = {
    "check_mark": "tick",
    "cross_mark": "cross",
    "warning": "warning",
    "info": "information",
    "question_mark": "question",
    "light_bulb_on": "light-on",
    "light_bulb_off": "light-off",
    "thumbsup": "thumbs-up",
    "thumbsdown": "thumbs-down",
    "smile": "smile",
    "sad": "sad",
    "tongue": "cheeky",
    "biggrin": "laugh",
    "wink": "wink",
    "plus": "plus",
    "minus": "minus",
    "yellow_star": "yellow-star",
    "red_star": "red-star",
    "green_star": "green-star",
    "blue_star": "blue-star",
    "heart": "heart",
    "broken_heart": "broken-heart",
}
_CODE_POINT = re.compile(r"^[0-9a-fA-F]{2,6}$")
_MAX_CODE_POINTS: Final = 10  # the longest emoji ZWJ sequences have 10


def _emoji_from_id(emoji_id: str) -> str:
    """The characters of an emoji id made of code points; "" for any other id."""
    parts = emoji_id.split("-") if emoji_id else []
    if not parts or len(parts) > _MAX_CODE_POINTS:
        return ""
    if not all(_CODE_POINT.match(part) for part in parts):
        return ""
    codes = [int(part, 16) for part in parts]
    if any(code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code < 0x20 for code in codes):
        return ""
    return "".join(map(chr, codes))


def _owner(resource: etree._Element) -> tuple[str | None, str | None]:
    """The page an ``ri:attachment`` belongs to, when it is not the current page."""
    for child in resource:
        if tag_name(child) in ("ri:page", "ri:blog-post"):
            return ri(child, "content-title"), ri(child, "space-key")
    return None, None
