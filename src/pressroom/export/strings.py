# ruff: noqa: RUF001  (each language keeps its own punctuation: full-width colons, brackets)
"""Built-in strings of exported documents ("Contents", "Page 3 of 9" …), by language.

One table for every writer (the Word writer reads it through the default template's
``{{ strings.… }}`` placeholders, the PDF writer directly). A locale finds its exact tag
(``zh-TW``), then its language (``de-CH`` → ``de``); a language missing here, or a string
missing in it, falls back to English.
"""

from __future__ import annotations

from typing import Final

ENGLISH: Final = {
    "contents": "Contents",
    "index": "Index",
    "page_x_of_y": "Page {page} of {pages}",
    "see_page": " (see page {page})",
    "figure": "Figure",
    "table": "Table",
    "exported_by": "Exported by",
    "export_date": "Export date",
    "exported_on": "Exported on",
    "by": "by",
    "page_version": "Page version",
    "version": "Version",
    "variant": "Variant",
    "language": "Language",
    "space": "Space",
    "image_missing": "Image not available",
    "remote_image": "Image",
}

TRANSLATIONS: Final[dict[str, dict[str, str]]] = {
    "en": ENGLISH,
    "de": {
        "contents": "Inhalt",
        "index": "Stichwortverzeichnis",
        "page_x_of_y": "Seite {page} von {pages}",
        "see_page": " (siehe Seite {page})",
        "figure": "Abbildung",
        "table": "Tabelle",
        "exported_by": "Exportiert von",
        "export_date": "Exportdatum",
        "exported_on": "Exportiert am",
        "by": "von",
        "page_version": "Seitenversion",
        "version": "Version",
        "variant": "Variante",
        "language": "Sprache",
        "space": "Bereich",
        "image_missing": "Bild nicht verfügbar",
        "remote_image": "Bild",
    },
    "fr": {
        "contents": "Table des matières",
        "index": "Index",
        "page_x_of_y": "Page {page} sur {pages}",
        "see_page": " (voir page {page})",
        "figure": "Figure",
        "table": "Tableau",
        "exported_by": "Exporté par",
        "export_date": "Date d’export",
        "exported_on": "Exporté le",
        "by": "par",
        "page_version": "Version de la page",
        "version": "Version",
        "variant": "Variante",
        "language": "Langue",
        "space": "Espace",
        "image_missing": "Image non disponible",
        "remote_image": "Image",
    },
    "es": {
        "contents": "Contenido",
        "index": "Índice alfabético",
        "page_x_of_y": "Página {page} de {pages}",
        "see_page": " (véase la página {page})",
        "figure": "Figura",
        "table": "Tabla",
        "exported_by": "Exportado por",
        "export_date": "Fecha de exportación",
        "exported_on": "Exportado el",
        "by": "por",
        "page_version": "Versión de la página",
        "version": "Versión",
        "variant": "Variante",
        "language": "Idioma",
        "space": "Espacio",
        "image_missing": "Imagen no disponible",
        "remote_image": "Imagen",
    },
    "ja": {
        "contents": "目次",
        "index": "索引",
        "page_x_of_y": "{page} / {pages} ページ",
        "see_page": "（{page} ページ参照）",
        "figure": "図",
        "table": "表",
        "exported_by": "エクスポート者",
        "export_date": "エクスポート日",
        "exported_on": "エクスポート日:",
        "by": "エクスポート者:",
        "page_version": "ページのバージョン",
        "version": "バージョン",
        "variant": "バリアント",
        "language": "言語",
        "space": "スペース",
        "image_missing": "画像を表示できません",
        "remote_image": "画像",
    },
    "ko": {
        "contents": "목차",
        "index": "색인",
        "page_x_of_y": "{page} / {pages} 페이지",
        "see_page": " ({page}페이지 참조)",
        "figure": "그림",
        "table": "표",
        "exported_by": "내보낸 사람",
        "export_date": "내보낸 날짜",
        "exported_on": "내보낸 날짜:",
        "by": "내보낸 사람:",
        "page_version": "페이지 버전",
        "version": "버전",
        "variant": "변형",
        "language": "언어",
        "space": "스페이스",
        "image_missing": "이미지를 사용할 수 없음",
        "remote_image": "이미지",
    },
    "zh": {
        "contents": "目录",
        "index": "索引",
        "page_x_of_y": "第 {page} 页，共 {pages} 页",
        "see_page": "（见第 {page} 页）",
        "figure": "图",
        "table": "表",
        "exported_by": "导出者",
        "export_date": "导出日期",
        "exported_on": "导出日期：",
        "by": "导出者：",
        "page_version": "页面版本",
        "version": "版本",
        "variant": "变体",
        "language": "语言",
        "space": "空间",
        "image_missing": "图片不可用",
        "remote_image": "图片",
    },
    "zh-TW": {
        "contents": "目錄",
        "index": "索引",
        "page_x_of_y": "第 {page} 頁，共 {pages} 頁",
        "see_page": "（見第 {page} 頁）",
        "figure": "圖",
        "table": "表",
        "exported_by": "匯出者",
        "export_date": "匯出日期",
        "exported_on": "匯出日期：",
        "by": "匯出者：",
        "page_version": "頁面版本",
        "version": "版本",
        "variant": "變體",
        "language": "語言",
        "space": "空間",
        "image_missing": "無法顯示圖片",
        "remote_image": "圖片",
    },
}
# Traditional Chinese by script or region.
for _tag in ("zh-Hant", "zh-HK", "zh-MO"):
    TRANSLATIONS[_tag] = TRANSLATIONS["zh-TW"]


def strings_for(locale: str | None) -> dict[str, str]:
    """The strings for a BCP 47 ``locale`` (``zh-TW`` exact, ``de-CH`` → ``de`` → English)."""
    parts = (locale or "en").replace("_", "-").split("-")
    language = parts[0].lower()
    candidates = [f"{language}-{part}" for part in parts[1:3]] + [language]
    for tag in candidates:
        for known, strings in TRANSLATIONS.items():
            if known.casefold() == tag.casefold():
                return {**ENGLISH, **strings}
    return dict(ENGLISH)


def page_x_of_y_parts(strings: dict[str, str]) -> tuple[str, str, str]:
    """ "Page {page} of {pages}" as the text before the page number, between the two
    numbers and after the page count (for writers that put fields between)."""
    text = strings["page_x_of_y"]
    before, _, rest = text.partition("{page}")
    between, _, after = rest.partition("{pages}")
    return before, between, after
