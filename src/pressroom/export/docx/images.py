"""Embedded pictures: one image part per distinct content (found by hash in a dict,
not by python-docx's scan of every part), drawn inline at the size the page asked
for, never wider or taller than the text area."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.parts.image import ImagePart
from lxml import etree
from PIL import Image as PillowImage

from pressroom.export import ast
from pressroom.export.docx.body import EMU_PER_TWIP, BodyState
from pressroom.export.docx.oxml import Element, Templates, clean_text, new_container, qn

EMU_PER_PX: Final = 9525
_PICTURE_URI: Final = "http://schemas.openxmlformats.org/drawingml/2006/picture"


@dataclass(frozen=True, slots=True)
class EmbeddedImage:
    rid: str
    name: str
    width_px: float  # natural size in CSS px (96 dpi)
    height_px: float


class ImageEmbedder:
    """Draws pictures in one chunk. The planning pass embedded every picture the
    document refers to (:class:`PictureParts`); a file it did not see gets an id of
    the chunk's own, and the parent adds its part."""

    def __init__(self, state: BodyState, planned: dict[str, EmbeddedImage | None]) -> None:
        self._state = state
        self._planned = planned
        self._unplanned: dict[str, EmbeddedImage | None] = {}
        self.max_height_twips = 0  # 0: no limit; the block writer sets it per section

    def inline(self, parent: Element, image: ast.Image, max_width_twips: int) -> bool:
        """Append a run drawing ``image``; False when its file cannot be embedded."""
        assert image.file is not None
        key = str(image.file)
        embedded = self._planned[key] if key in self._planned else self._embed_here(image.file)
        if embedded is None:
            return False
        cx, cy = fit_extent(
            image,
            embedded,
            max_width_twips * EMU_PER_TWIP,
            self.max_height_twips * EMU_PER_TWIP,
        )
        drawing_id = self._state.next_drawing_id()
        run = etree.SubElement(parent, qn("w:r"))
        _drawing(run, embedded, cx, cy, drawing_id, image)
        return True

    def _embed_here(self, path: Path) -> EmbeddedImage | None:
        key = str(path)
        if key not in self._unplanned:
            embedded: EmbeddedImage | None = None
            try:
                picture = _load_image(path)
                rid = self._state.relationships.add(RT.IMAGE, key)
                embedded = _embedded(picture, rid)
            except (OSError, UnrecognizedImageError, ValueError) as exc:
                self._state.warn(f"Image {path.name} could not be embedded: {exc}")
            self._unplanned[key] = embedded
        return self._unplanned[key]


def picture_files(blocks: list[ast.Block]) -> Iterator[Path]:
    """The file of every picture ``blocks`` draw, in document order."""
    for inlines in ast.text_runs(blocks):
        for node in ast.walk_inlines(inlines):
            if type(node) is ast.Image and node.file is not None:
                yield node.file


class PictureParts:
    """The package's picture parts: one per distinct content (found by hash in a
    dict, not by python-docx's scan of every part), each with its relationship."""

    def __init__(self, document_part: Any, new_rid: Callable[[], str]) -> None:
        self._part = document_part
        self._new_rid = new_rid
        self._by_hash: dict[str, EmbeddedImage] = {}
        self.by_path: dict[str, EmbeddedImage | None] = {}
        self.warnings: list[str] = []

    def embed(self, path: Path) -> EmbeddedImage | None:
        """The picture at ``path`` as a part of the package; None (and a warning) when
        its file cannot be read as a picture."""
        key = str(path)
        if key in self.by_path:
            return self.by_path[key]
        embedded: EmbeddedImage | None = None
        try:
            picture = _load_image(path)
            embedded = self._by_hash.get(picture.sha1) or self._add_part(picture, self._new_rid())
        except (OSError, UnrecognizedImageError, ValueError) as exc:
            self.warnings.append(f"Image {path.name} could not be embedded: {exc}")
        self.by_path[key] = embedded
        return embedded

    def embed_at(self, path: Path, rid: str) -> None:
        """Relate ``rid`` to the picture at ``path`` (a chunk chose the id and has
        read the file already)."""
        self._add_part(_load_image(path), rid)

    def _add_part(self, picture: Any, rid: str) -> EmbeddedImage:
        known = self._by_hash.get(picture.sha1)
        if known is None:
            number = len(self._by_hash) + 1
            partname = PackURI(f"/word/media/pressroom{number}.{picture.ext}")
            self._part.load_rel(RT.IMAGE, ImagePart.from_image(picture, partname), rid)
            known = self._by_hash[picture.sha1] = _embedded(picture, rid)
        elif known.rid != rid:
            self._part.load_rel(RT.IMAGE, self._part.rels[known.rid].target_part, rid)
            return _embedded(picture, rid)
        return known


def _embedded(picture: Any, rid: str) -> EmbeddedImage:
    return EmbeddedImage(
        rid=rid,
        name=picture.filename,
        width_px=picture.px_width * 96 / (picture.horz_dpi or 96),
        height_px=picture.px_height * 96 / (picture.vert_dpi or 96),
    )


def _load_image(path: Path) -> Any:
    """python-docx's image (size, dpi, type) of ``path``; formats Word cannot show
    (WebP, ...) are converted to PNG with Pillow."""
    try:
        return DocxImage.from_file(str(path))
    except UnrecognizedImageError:
        with PillowImage.open(path) as picture:
            out = io.BytesIO()
            picture.save(out, format="PNG")
        converted = DocxImage.from_blob(out.getvalue())
        converted._filename = path.with_suffix(".png").name
        return converted


def fit_extent(
    image: ast.Image, embedded: EmbeddedImage, max_cx: int, max_cy: int = 0
) -> tuple[int, int]:
    """The drawn size in EMU: the page's width/height (keeping the aspect ratio when
    only one is given), else the natural size; scaled down, keeping its shape, to
    ``max_cx`` wide and ``max_cy`` high (0: no limit)."""
    natural_w = max(embedded.width_px, 1.0)
    natural_h = max(embedded.height_px, 1.0)
    if image.width and image.height:
        width, height = float(image.width), float(image.height)
    elif image.width:
        width, height = float(image.width), image.width * natural_h / natural_w
    elif image.height:
        width, height = image.height * natural_w / natural_h, float(image.height)
    else:
        width, height = natural_w, natural_h
    cx, cy = width * EMU_PER_PX, height * EMU_PER_PX
    if cx > max_cx > 0:
        cy = cy * max_cx / cx
        cx = max_cx
    if cy > max_cy > 0:
        cx = cx * max_cy / cy
        cy = max_cy
    return max(int(cx), 1), max(int(cy), 1)


def _el(parent: Element, tag: str, **attrs: str) -> Element:
    child = etree.SubElement(parent, qn(tag))
    for key, value in attrs.items():
        child.set(key, value)
    return child


def _drawing(
    run: Element, embedded: EmbeddedImage, cx: int, cy: int, drawing_id: int, image: ast.Image
) -> None:
    """A copy of the picture's drawing with this place's size, id and description."""
    drawing = _drawings.copy(embedded.rid, embedded.name, image.border)
    run.append(drawing)
    for extent in (_at(drawing, _EXTENT), _at(drawing, _PICTURE_EXTENT)):
        extent.set("cx", str(cx))
        extent.set("cy", str(cy))
    doc_pr = _at(drawing, _DOC_PR)
    doc_pr.set("id", str(drawing_id))
    doc_pr.set("name", f"Picture {drawing_id}")
    description = image.alt or image.title
    if description:
        doc_pr.set("descr", clean_text(description))


def _drawing_template(rid: str, name: str, border: bool) -> Element:
    drawing = etree.SubElement(new_container(), qn("w:drawing"))
    inline = _el(drawing, "wp:inline", distT="0", distB="0", distL="0", distR="0")
    _el(inline, "wp:extent", cx="0", cy="0")
    _el(inline, "wp:effectExtent", l="0", t="0", r="0", b="0")
    _el(inline, "wp:docPr", id="0", name="")
    frame_pr = _el(inline, "wp:cNvGraphicFramePr")
    _el(frame_pr, "a:graphicFrameLocks", noChangeAspect="1")
    data = _el(_el(inline, "a:graphic"), "a:graphicData", uri=_PICTURE_URI)
    pic = _el(data, "pic:pic")
    nv = _el(pic, "pic:nvPicPr")
    _el(nv, "pic:cNvPr", id="0", name=clean_text(name))
    _el(nv, "pic:cNvPicPr")
    fill = _el(pic, "pic:blipFill")
    _el(fill, "a:blip").set(qn("r:embed"), rid)
    _el(_el(fill, "a:stretch"), "a:fillRect")
    sp_pr = _el(pic, "pic:spPr")
    xfrm = _el(sp_pr, "a:xfrm")
    _el(xfrm, "a:off", x="0", y="0")
    _el(xfrm, "a:ext", cx="0", cy="0")
    _el(_el(sp_pr, "a:prstGeom", prst="rect"), "a:avLst")
    if border:
        line = _el(sp_pr, "a:ln", w="9525")
        _el(_el(line, "a:solidFill"), "a:srgbClr", val="C1C7D0")
    return drawing


# Where _drawing_template puts what each drawing sets (child indexes: a copy is walked
# far faster than searched), checked once against the tags below.
_EXTENT: Final = (0, 0)  # wp:inline/wp:extent
_DOC_PR: Final = (0, 2)  # wp:inline/wp:docPr
_PICTURE_EXTENT: Final = (
    0,
    4,
    0,
    0,
    2,
    0,
    1,
)  # a:graphic/a:graphicData/pic:pic/pic:spPr/a:xfrm/a:ext


def _at(element: Element, path: tuple[int, ...]) -> Element:
    for index in path:
        element = element[index]
    return element


def _check_paths() -> None:
    drawing = _drawing_template("rId0", "check", border=True)
    for path, tag in ((_EXTENT, "wp:extent"), (_DOC_PR, "wp:docPr"), (_PICTURE_EXTENT, "a:ext")):
        if _at(drawing, path).tag != qn(tag):
            raise AssertionError(f"the drawing template no longer has {tag} at {path}")


_check_paths()
_drawings: Final = Templates(_drawing_template, limit=256)
