"""The built-in Word template ``com.k15t.scroll.office.default-template-1``.

Built from code on first use (python-docx's blank document + the style set below)
and cached as bytes: no binary in the repository to drift from its generator.
It has a cover page, running header and page-numbered footer, a table of contents,
then ``$scroll.content``; A4 pages; every style the writer uses, named as Scroll's
templates name them.
"""

from __future__ import annotations

import functools
import io
from typing import Any, Final

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Twips
from lxml import etree

from pressroom.export.docx import fields
from pressroom.export.docx.oxml import NAMESPACES, Element, qn, sub
from pressroom.export.docx.scripts import BIDI_FONT
from pressroom.export.docx.sections import A4_HEIGHT, A4_WIDTH, DEFAULT_MARGIN

TEMPLATE_ID: Final = "com.k15t.scroll.office.default-template-1"
TEMPLATE_NAME: Final = "Default Word template"

BODY_FONT: Final = "Calibri"
EAST_ASIAN_FONT: Final = "Noto Sans CJK SC"  # Korean, Japanese and Chinese in one font
CODE_FONT: Final = "Consolas"
INK: Final = "172B4D"
ACCENT: Final = "1F3864"
ACCENT_LIGHT: Final = "2E74B5"
MUTED: Final = "6B778C"
TEXT_WIDTH: Final = A4_WIDTH - 2 * DEFAULT_MARGIN

_HEADINGS: Final = (  # size (half-points), colour, space before, space after, italic
    (36, ACCENT, 480, 160, False),
    (30, ACCENT_LIGHT, 360, 120, False),
    (26, ACCENT_LIGHT, 280, 100, False),
    (23, ACCENT, 240, 80, False),
    (22, "404040", 220, 60, False),
    (22, "595959", 200, 60, True),
    (22, "595959", 200, 60, True),
    (22, "595959", 200, 60, True),
    (22, "595959", 200, 60, True),
)


def _fonts(name: str) -> str:
    """A Latin font; East Asian and complex-script text keep the document's fonts."""
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}"/>'


def _paragraph_style(
    style_id: str, name: str, ppr: str = "", rpr: str = "", based_on: str = "ScrollPlainText"
) -> str:
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="{based_on}"/><w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


def _heading_styles() -> list[str]:
    styles = []
    for level, (size, colour, before, after, italic) in enumerate(_HEADINGS, start=1):
        border = (
            f'<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="4" w:color="{ACCENT_LIGHT}"/>'
            "</w:pBdr>"
            if level == 1
            else ""
        )
        ppr = (
            f'<w:keepNext/><w:keepLines/>{border}<w:spacing w:before="{before}" w:after="{after}"/>'
            f'<w:outlineLvl w:val="{level - 1}"/>'
        )
        rpr = f'<w:b/>{"<w:i/>" if italic else ""}<w:color w:val="{colour}"/>'
        rpr += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        style = _paragraph_style(f"ScrollHeading{level}", f"Scroll Heading {level}", ppr, rpr)
        styles.append(
            style.replace("<w:qFormat/>", '<w:next w:val="ScrollPlainText"/><w:qFormat/>')
        )
    return styles


def _list_styles() -> list[str]:
    styles = []
    for kind, style_id in (("Bullet", "ScrollListBullet"), ("Number", "ScrollListNumber")):
        for level in range(1, 9):
            suffix = "" if level == 1 else str(level)
            name = f"Scroll List {kind}{' ' + suffix if suffix else ''}"
            styles.append(
                _paragraph_style(f"{style_id}{suffix}", name, '<w:spacing w:after="80"/>')
            )
    return styles


def _box_styles() -> list[str]:
    ppr = '<w:spacing w:before="40" w:after="80"/>'
    rpr = f'<w:color w:val="{INK}"/>'
    return [
        _paragraph_style(f"Scroll{kind}", f"Scroll {kind}", ppr, rpr)
        for kind in ("Info", "Note", "Tip", "Warning", "Panel")
    ]


def _toc_styles() -> list[str]:
    styles = []
    for level in range(1, 10):
        rpr = "<w:b/>" if level == 1 else ""
        ppr = (
            f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
            f'<w:spacing w:before="{120 if level == 1 else 0}" w:after="60"/>'
            f'<w:ind w:left="{(level - 1) * 220}"/>'
        )
        style = _paragraph_style(f"TOC{level}", f"toc {level}", ppr, rpr, based_on="Normal")
        styles.append(style.replace(' w:customStyle="1"', ""))
    return styles


def _index_styles() -> list[str]:
    """Word's built-in index styles: letter headings and entries by level."""
    heading = _paragraph_style(
        "IndexHeading",
        "index heading",
        '<w:keepNext/><w:spacing w:before="240" w:after="60"/>',
        f'<w:b/><w:color w:val="{ACCENT}"/>',
        based_on="Normal",
    )
    styles = [heading.replace(' w:customStyle="1"', "")]
    for level in range(1, 10):
        ppr = f'<w:spacing w:after="0"/><w:ind w:left="{level * 220}" w:hanging="220"/>'
        style = _paragraph_style(f"Index{level}", f"index {level}", ppr, "", based_on="Normal")
        styles.append(style.replace(' w:customStyle="1"', ""))
    return styles


def style_xml() -> list[str]:
    """Every style of the default template, as ``w:style`` XML."""
    code_border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="4" w:color="DFE1E6"/>'
        for side in ("top", "left", "bottom", "right")
    )
    return [
        _paragraph_style(
            "ScrollPlainText", "Scroll Plain Text", '<w:spacing w:after="160"/>', "", "Normal"
        ),
        *_heading_styles(),
        '<w:style w:type="character" w:customStyle="1" w:styleId="ScrollInlineCode">'
        '<w:name w:val="Scroll Inline Code"/><w:qFormat/>'
        f'<w:rPr>{_fonts(CODE_FONT)}<w:color w:val="{INK}"/><w:sz w:val="19"/>'
        '<w:shd w:val="clear" w:color="auto" w:fill="F4F5F7"/></w:rPr></w:style>',
        _paragraph_style(
            "ScrollCode",
            "Scroll Code",
            f'<w:pBdr>{code_border}</w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="F4F5F7"/>'
            '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
            '<w:ind w:left="100" w:right="100"/>',
            f'{_fonts(CODE_FONT)}<w:color w:val="{INK}"/><w:sz w:val="18"/><w:szCs w:val="18"/>',
        ),
        _paragraph_style(
            "ScrollQuote",
            "Scroll Quote",
            '<w:pBdr><w:left w:val="single" w:sz="18" w:space="10" w:color="DFE1E6"/></w:pBdr>'
            '<w:spacing w:after="120"/><w:ind w:left="400" w:right="400"/>',
            '<w:color w:val="505F79"/>',
        ),
        _paragraph_style(
            "ScrollCaption",
            "Scroll Caption",
            '<w:spacing w:before="60" w:after="200"/>',
            f'<w:i/><w:color w:val="{MUTED}"/><w:sz w:val="18"/><w:szCs w:val="18"/>',
        ),
        *_list_styles(),
        *_box_styles(),
        _paragraph_style(
            "ScrollExpandMacroText", "Scroll Expand Macro Text", '<w:ind w:left="284"/>'
        ),
        _paragraph_style("ScrollSectionColumn", "Scroll Section Column"),
        _table_style(),
        '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
        '<w:rPr><w:color w:val="0052CC"/><w:u w:val="single"/></w:rPr></w:style>',
        *_toc_styles(),
        *_index_styles(),
        *_document_styles(),
    ]


def _table_style() -> str:
    return (
        '<w:style w:type="table" w:customStyle="1" w:styleId="ScrollTableNormal">'
        '<w:name w:val="Scroll Table Normal"/><w:basedOn w:val="TableNormal"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="40" w:after="40" w:line="252" w:lineRule="auto"/></w:pPr>'
        '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>'
        "<w:tblPr><w:tblBorders>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="C1C7D0"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblCellMar><w:top w:w="57" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    )


def _document_styles() -> list[str]:
    """Styles of the template's own furniture: cover page, header, footer."""
    furniture = f'<w:color w:val="{MUTED}"/><w:sz w:val="17"/><w:szCs w:val="17"/>'
    return [
        _paragraph_style(
            "Title",
            "Title",
            '<w:spacing w:before="2400" w:after="240" w:line="240" w:lineRule="auto"/>',
            f'<w:b/><w:color w:val="{ACCENT}"/><w:sz w:val="60"/><w:szCs w:val="60"/>',
            "Normal",
        ),
        _paragraph_style(
            "Subtitle",
            "Subtitle",
            '<w:spacing w:after="960"/>',
            f'<w:color w:val="{ACCENT_LIGHT}"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
            "Normal",
        ),
        _paragraph_style(
            "TOCHeading",
            "TOC Heading",
            '<w:keepNext/><w:spacing w:after="240"/>',
            f'<w:b/><w:color w:val="{ACCENT}"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
            "Normal",
        ),
        _paragraph_style(
            "Header",
            "header",
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
            furniture,
            "Normal",
        ),
        _paragraph_style(
            "Footer",
            "footer",
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
            furniture,
            "Normal",
        ),
    ]


def install_styles(styles: Element) -> None:
    """Put the default style set into ``styles`` (replacing styles of the same id)."""
    by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
    wrapper = f'<w:styles xmlns:w="{NAMESPACES["w"]}">{"".join(style_xml())}</w:styles>'
    for style in etree.fromstring(wrapper):
        old = by_id.get(style.get(qn("w:styleId")))
        if old is not None:
            styles.replace(old, style)
        else:
            styles.append(style)
    _set_doc_defaults(styles)


def _set_doc_defaults(styles: Element) -> None:
    rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is not None:
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None:
            rpr.remove(fonts)
        # East Asian and complex-script text take the theme's fonts for their language
        # (Word); the names after them are for readers that do not follow the theme.
        fonts = etree.Element(qn("w:rFonts"))
        fonts.set(qn("w:ascii"), BODY_FONT)
        fonts.set(qn("w:hAnsi"), BODY_FONT)
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
        fonts.set(qn("w:cs"), BIDI_FONT)
        fonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")
        fonts.set(qn("w:cstheme"), "minorBidi")
        rpr.insert(0, fonts)
        color = sub(rpr, "w:color", INK)
        rpr.insert(1, color)
    spacing = styles.find(
        f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}"
    )
    if spacing is not None:
        spacing.set(qn("w:after"), "160")
        spacing.set(qn("w:line"), "264")


@functools.cache
def default_template_bytes() -> bytes:
    """The default template as a .docx file (built once per process)."""
    document = docx.Document()
    _drop_package_leftovers(document)
    install_styles(document.styles.element)
    section = document.sections[0]
    section.page_width, section.page_height = Twips(A4_WIDTH), Twips(A4_HEIGHT)
    for side in ("left_margin", "right_margin", "bottom_margin"):
        setattr(section, side, Twips(DEFAULT_MARGIN))
    section.top_margin = Twips(1418)
    section.header_distance = section.footer_distance = Twips(709)
    section.different_first_page_header_footer = True
    _header_and_footer(section)
    _compatibility_15(document.settings.element)
    _body(document)
    properties = document.core_properties
    properties.title, properties.author, properties.comments = "", "Pressroom", ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _drop_package_leftovers(document: Any) -> None:
    """python-docx's blank document carries a thumbnail of *its* first page and a
    stale stylesWithEffects part; neither belongs in our template."""
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rid]
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del document.part.rels[rid]


def _header_and_footer(section: Any) -> None:
    """Running header and footer: text at the left and at the right margin, in a
    borderless table as wide as the text, so landscape pages line up too (a right
    tab stop sits where the portrait margin is, and not every reader follows
    Word's margin-relative positional tabs)."""
    left, right = _two_sided(section.header.paragraphs[0]._p, "Header", rule_below=True)
    fields.running_header(left, "Scroll Heading 1")
    _add_run(right, "$!scroll.title")
    left, right = _two_sided(section.footer.paragraphs[0]._p, "Footer", rule_below=False)
    _add_run(left, "$!scroll.space.name")
    # "Page {page} of {pages}" in the export's language (export/strings.py)
    _add_run(right, "{{ strings.page_before }}")
    fields.page_number(right)
    _add_run(right, "{{ strings.page_between }}")
    fields.page_count(right)
    _add_run(right, "{{ strings.page_after }}")
    for cover in (section.first_page_header, section.first_page_footer):
        cover.paragraphs[0].style = "Normal"  # no header rule on the cover page


def _two_sided(anchor: Element, style_id: str, *, rule_below: bool) -> tuple[Element, Element]:
    """A one-row table of two halves before paragraph ``anchor``, which stays after
    it shrunk to nothing (a header must end with a paragraph). Returns the left and
    the right half's paragraph."""
    tbl = etree.Element(qn("w:tbl"))
    anchor.addprevious(tbl)
    tbl_pr = sub(tbl, "w:tblPr")
    sub(tbl_pr, "w:tblW", w="5000", type="pct")
    borders = sub(tbl_pr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side == "bottom" and rule_below:
            sub(borders, "w:bottom", "single", sz="4", space="0", color="DFE1E6")
        else:
            sub(borders, f"w:{side}", "nil")
    sub(tbl_pr, "w:tblLayout", type="fixed")
    margins = sub(tbl_pr, "w:tblCellMar")
    sub(margins, "w:left", w="0", type="dxa")
    sub(margins, "w:bottom", w="60", type="dxa")
    sub(margins, "w:right", w="0", type="dxa")
    grid = sub(tbl, "w:tblGrid")
    tr = sub(tbl, "w:tr")
    halves = []
    for align in ("left", "right"):
        sub(grid, "w:gridCol", w=str(TEXT_WIDTH // 2))
        tc = sub(tr, "w:tc")
        sub(sub(tc, "w:tcPr"), "w:tcW", w="2500", type="pct")
        p = sub(tc, "w:p")
        ppr = sub(p, "w:pPr")
        sub(ppr, "w:pStyle", style_id)
        sub(ppr, "w:jc", align)
        halves.append(p)
    for child in list(anchor):
        anchor.remove(child)
    ppr = sub(anchor, "w:pPr")
    sub(ppr, "w:spacing", before="0", after="0", line="20", lineRule="exact")
    sub(sub(ppr, "w:rPr"), "w:sz", "2")
    return halves[0], halves[1]


def _add_run(p: Element, text: str) -> None:
    t = sub(sub(p, "w:r"), "w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")


def _compatibility_15(settings: Element) -> None:
    """Word 2013+ layout: tables line up with the text margin instead of sticking
    out by their cell padding."""
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def _body(document: Any) -> None:
    document.add_paragraph("$!scroll.title", style="Title")
    document.add_paragraph("$!scroll.space.name", style="Subtitle")
    # Both placeholder syntaxes, as template authors may use them: Jinja's
    # paragraph-level {% if %} drops the lines that would have no value.
    for line in (
        "{{ strings.exported_on }} $scroll.exportdate",
        "{% if exporter.fullName %}",
        "{{ strings.by }} {{ exporter.fullName }}",
        "{% endif %}",
        "{% if version %}",
        "{{ strings.page_version }} {{ version }}",
        "{% endif %}",
    ):
        document.add_paragraph(line, style="Scroll Plain Text")
    document.add_page_break()
    document.add_paragraph("{{ strings.contents }}", style="TOC Heading")
    toc = etree.SubElement(document.element.body, qn("w:p"))
    fields.complex_field(toc, fields.toc_instruction(1, 3), "Update fields (F9) to fill it.")
    document.element.body.append(document.element.body.sectPr)
    document.add_page_break()
    document.add_paragraph("$scroll.content", style="Scroll Plain Text")
