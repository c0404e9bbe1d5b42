"""The request form of the methodology's annex, filled in, as a PDF in the request's language.

reportlab draws it with DejaVu Sans (Debian's fonts-dejavu-core), which has every
Kazakh letter (ә ғ қ ң ө ұ ү һ і); the font path is the setting ``statportal.pdf_font``.
"""

import io
import threading
from xml.sax.saxutils import escape  # nosec B406 # escapes reportlab markup, parses nothing

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from statportal.i18n import LANGUAGES

DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

LABELS = {
    "heading": ("Интернет-ресурста ақпараттық материалды орналастыруға өтінім",
                "Заявка на размещение информационного материала на интернет-ресурсе",
                "Request to place an information material on the portal"),
    "number": ("Өтінімнің нөмірі", "Номер заявки", "Request number"),
    "unit": ("Құрылымдық бөлімше", "Структурное подразделение", "Structural unit"),
    "title": ("Материалдың атауы", "Наименование материала", "Title of the material"),
    "section": ("Интернет-ресурстағы орны (бөлім → ішкі бөлік)",
                "Место размещения на интернет-ресурсе (раздел → подраздел)",
                "Location on the portal (section → subsection)"),
    "executor_email": ("Орындаушының электрондық поштасы", "Электронная почта исполнителя",
                       "Executor's e-mail"),
    "files": ("Файлдар (толық атауы, көлемі)", "Файлы (полное имя, размер)",
              "Files (full name, size)"),
    "placement_type": ("Орналастыру түрі", "Вид размещения", "Placement"),
    "replaces": ("Ауыстырылатын материал", "Заменяемый материал", "Material replaced"),
    "languages": ("Тілдер", "Языки", "Languages"),
    "page_count": ("Беттер саны", "Количество страниц", "Number of pages"),
    "paper": ("Қағаз нұсқасының шығыс нөмірі мен күні", "Исходящий номер и дата бумажного "
              "экземпляра", "Outgoing number and date of the paper copy"),
    "executor": ("Жауапты орындаушы", "Ответственный исполнитель", "Responsible executor"),
    "head_of_unit": ("Бөлім басшысы", "Руководитель подразделения", "Head of unit"),
    "submitted_at": ("Ұсынылған күні", "Дата представления", "Submitted"),
    "registered_at": ("Тіркелген уақыты", "Время регистрации", "Registered"),
    "due": ("Орналастыру мерзімі", "Срок размещения", "To be placed by"),
    "note": ("Ескертпе", "Примечание", "Note"),
    "register_note": ("Тізілімдегі ескертпе", "Примечание в реестре", "Register note"),
}
STEP = " → "
PLACEMENT_TYPES = {"new": ("Жаңа", "Новый", "New"), "replace": ("Ауыстыру", "Замена", "Replace"),
                   "delete": ("Алып тастау", "Удаление", "Delete")}


def language_of(request_obj):
    """The request's language: the first of kk, ru, en that it declares."""
    return next((lang for lang in LANGUAGES if lang in (request_obj.languages or ())), "kk")


def location_steps(portal, path, lang):
    """The placement location step by step (art. 8): the title of every section on
    ``path``, from the top, in ``lang`` (another language's title where it has none, the
    id where it has no title at all). A path that no longer leads anywhere keeps its
    remaining ids, so the form still says where the material was meant to go."""
    steps, obj = [], portal
    for name in [part for part in str(path or "").split("/") if part]:
        getter = getattr(obj, "get", None)
        obj = getter(name) if getter is not None else None
        if obj is None:
            steps.append(name)
            continue
        title = getattr(obj, "title", None) or {}
        steps.append(title.get(lang) or next((title[o] for o in LANGUAGES if title.get(o)),
                                              name))
    return steps


def location(portal, path, lang):
    """``location_steps`` as one line: "Экономика → Цены → Индексы потребительских цен"."""
    return STEP.join(location_steps(portal, path, lang))


def _register_font(path):
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", path))


#: reportlab's registered TTFont is one shared object whose glyph subset is built while a
#: document is saved: two threads saving at once corrupt it (IndexError in makeSubset).
PDF_LOCK = threading.Lock()


def render_annex(request_obj, titles, format_datetime, font_path=DEFAULT_FONT):
    """PDF bytes. ``titles`` maps paths (unit, section) to their names in the language;
    ``format_datetime`` shows a moment in ``statportal.timezone``."""
    lang = language_of(request_obj)
    column = LANGUAGES.index(lang)
    _register_font(font_path)
    text = ParagraphStyle("text", fontName="DejaVu", fontSize=9.5, leading=12)
    head = ParagraphStyle("head", parent=text, fontSize=13, leading=16, spaceAfter=6)

    def label(key):
        return LABELS[key][column]

    def when(value):
        return format_datetime(value) if value else "—"

    title = request_obj.title.get(lang) or next(iter(request_obj.title.values()), "")
    files = "<br/>".join(f"{escape(f.filename)} — {f.size:,} B".replace(",", " ")
                         for f in request_obj.files)
    rows = [
        ("number", request_obj.number or "—"),
        ("unit", titles.get(request_obj.unit, request_obj.unit)),
        ("title", title),
        ("section", _location_of(request_obj, lang)),
        ("executor_email", request_obj.executor_email),
        ("files", None),
        ("placement_type", PLACEMENT_TYPES[request_obj.placement_type][column]),
        ("replaces", request_obj.replaces or "—"),
        ("languages", ", ".join(sorted(request_obj.languages))),
        ("page_count", "—" if request_obj.page_count is None else str(request_obj.page_count)),
        ("paper", f"{request_obj.paper_number or '—'}, "
                  f"{request_obj.paper_date.isoformat() if request_obj.paper_date else '—'}"),
        ("executor", request_obj.executor),
        ("head_of_unit", request_obj.head_of_unit),
        ("submitted_at", when(request_obj.submitted_at)),
        ("registered_at", when(request_obj.registered_at)),
        ("due", when(request_obj.due)),
        ("note", request_obj.note or "—"),
        ("register_note", getattr(request_obj, "register_note", "") or "—"),
    ]
    table = Table(
        [[Paragraph(escape(label(key)), text),
          Paragraph(files if key == "files" else escape(str(value)), text)]
         for key, value in rows],
        colWidths=(60 * mm, 110 * mm))
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f1f4f8")),
    ]))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=label("heading"),
                                 leftMargin=20 * mm, rightMargin=20 * mm)
    with PDF_LOCK:
        document.build([Paragraph(escape(label("heading")), head), Spacer(1, 4 * mm), table])
    return buffer.getvalue()


def _location_of(request_obj, lang):
    from statportal.content.paths import root_of

    if request_obj.__parent__ is None:  # not stored: only the path is known
        return request_obj.section
    return location(root_of(request_obj), request_obj.section, lang)
