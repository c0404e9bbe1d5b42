"""Demo materials: what a statistics office publishes, in Kazakh, Russian and English.

Each has real files made here (xlsx tables with ``X`` marks and the footnote that
explains them, a pdf bulletin, a png chart), is placed in its section, published, and
indexed; one has an earlier version, one lacks its English file (the translation report
lists it). Figures are illustrative, not official.
"""

import io
from datetime import date, timedelta

from statportal.content.base import utcnow
from statportal.content.names import name_from_title
from statportal.content.paths import find_by_path
from statportal.demo.texts import T

REGIONS = [
    T("Қазақстан Республикасы", "Республика Казахстан", "Republic of Kazakhstan"),
    T("Абай облысы", "Абайская область", "Abai region"),
    T("Ақмола облысы", "Акмолинская область", "Akmola region"),
    T("Ақтөбе облысы", "Актюбинская область", "Aktobe region"),
    T("Алматы облысы", "Алматинская область", "Almaty region"),
    T("Атырау облысы", "Атырауская область", "Atyrau region"),
    T("Шығыс Қазақстан облысы", "Восточно-Казахстанская область", "East Kazakhstan region"),
    T("Жамбыл облысы", "Жамбылская область", "Zhambyl region"),
    T("Ұлытау облысы", "Улытауская область", "Ulytau region"),
    T("Астана қаласы", "город Астана", "Astana city"),
    T("Алматы қаласы", "город Алматы", "Almaty city"),
    T("Шымкент қаласы", "город Шымкент", "Shymkent city"),
]
REGION_HEADER = T("Өңір", "Регион", "Region")
FOOTNOTE = T("X – деректер құпия (Статистика туралы заңның 8-бабы).",
             "X – данные конфиденциальны (статья 8 Закона «О государственной статистике»).",
             "X – confidential data (article 8 of the Law on State Statistics).")


def _table(lang, columns, rows, footnote=True):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = {"kk": "Кесте", "ru": "Таблица", "en": "Table"}[lang]
    sheet.append([REGION_HEADER[lang], *[c[lang] for c in columns]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for region, values in rows:
        sheet.append([region[lang], *values])
        for cell in sheet[sheet.max_row][1:]:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.0"
    if footnote:
        sheet.append([])
        sheet.append([FOOTNOTE[lang]])
    sheet.column_dimensions["A"].width = 34
    book.create_sheet({"kk": "Парақ2", "ru": "Лист2", "en": "Sheet2"}[lang])  # removed on upload
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pdf(lang, title, lines):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from statportal.placement.annex import DEFAULT_FONT, PDF_LOCK, _register_font

    _register_font(DEFAULT_FONT)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title[lang])
    for page, chunk in enumerate((lines[:20], lines[20:]), start=1):
        pdf.setFont("DejaVu", 15)
        pdf.drawString(60, 780, title[lang])
        pdf.setFont("DejaVu", 11)
        for n, line in enumerate(chunk):
            pdf.drawString(60, 740 - 22 * n, line)
        pdf.drawString(60, 40, str(page))
        pdf.showPage()
    with PDF_LOCK:
        pdf.save()
    return buffer.getvalue()


def _chart(values):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 240), "white")
    draw = ImageDraw.Draw(image)
    top = max(values)
    width = 440 // len(values)
    for n, value in enumerate(values):
        height = int(200 * value / top)
        draw.rectangle([20 + n * width, 220 - height, 20 + n * width + width - 8, 220],
                       fill=(11, 92, 173))
    draw.line([16, 220, 470, 220], fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _industry_rows():
    values = [(104.2, 105.1), (101.3, 98.7), (99.8, "X"), (106.4, 103.9), (102.2, 104.0),
              (108.9, 103.1), (97.6, 101.2), (100.4, "X"), (110.1, 112.3), (103.3, 102.8),
              (95.4, 99.1), (105.0, 106.7)]
    return list(zip(REGIONS, [list(v) for v in values], strict=True))


def _cpi_rows(shift=0.0):
    values = [(100.6, 108.9), (100.4, 108.1), (100.5, 108.4), (100.7, 109.2), (100.6, 108.8),
              (100.5, 108.6), (100.8, 109.5), (100.4, 108.0), (100.6, 108.7), (100.7, 109.1),
              (100.5, 108.5), (100.6, 108.9)]
    return [(region, [round(a + shift, 1), round(b + shift, 1)])
            for region, (a, b) in zip(REGIONS, values, strict=True)]


def _labour_rows():
    values = [(9.7, 4.7), (0.3, 4.9), (0.4, 4.8), (0.5, 4.6), (0.7, 4.8), (0.3, 4.5),
              (0.7, 4.7), (0.6, 4.9), (0.1, 4.4), (0.8, 4.5), (1.2, 4.6), (0.6, 4.9)]
    return [(region, list(v)) for region, v in zip(REGIONS, values, strict=True)]


def _upload(filename, data, language):
    from statportal.files.policy import check_upload
    from statportal.files.spreadsheets import clean_workbook

    extension = check_upload(filename, data)
    cleaned = clean_workbook(filename, extension, data)
    return {"filename": filename, "data": cleaned.data, "extension": extension,
            "language": language, "removed_sheets": cleaned.removed_sheets}


DISTRICTS = [("KZ", "", T("Қазақстан Республикасы", "Республика Казахстан",
                          "Republic of Kazakhstan")),
             ("ABA", "KZ", T("Абай облысы", "Абайская область", "Abai region")),
             ("ABA-SEM", "ABA", T("Семей қ.ә.", "г.а. Семей", "Semey city")),
             ("ABA-KUR", "ABA", T("Курчатов қ.ә.", "г.а. Курчатов", "Kurchatov city")),
             ("AKM", "KZ", T("Ақмола облысы", "Акмолинская область", "Akmola region")),
             ("AKM-KOK", "AKM", T("Көкшетау қ.ә.", "г.а. Кокшетау", "Kokshetau city")),
             ("AKM-STE", "AKM", T("Степногорск қ.ә.", "г.а. Степногорск",
                                  "Stepnogorsk city")),
             ("KAR", "KZ", T("Қарағанды облысы", "Карагандинская область",
                             "Karaganda region")),
             ("KAR-KAR", "KAR", T("Қарағанды қ.ә.", "г.а. Караганда", "Karaganda city")),
             ("KAR-TEM", "KAR", T("Теміртау қ.ә.", "г.а. Темиртау", "Temirtau city"))]
SECTIONS = [("T", "", T("Өнеркәсіп – барлығы", "Промышленность – всего", "Industry, total")),
            ("B", "T", T("Тау-кен өндіру", "Горнодобывающая промышленность",
                         "Mining and quarrying")),
            ("C", "T", T("Өңдеу өнеркәсібі", "Обрабатывающая промышленность",
                         "Manufacturing")),
            ("D", "T", T("Электрмен жабдықтау", "Электроснабжение", "Electricity supply"))]
# (district, section): (million tenge, enterprises); illustrative, not official
OUTPUT = {("ABA-SEM", "B"): (48_211.4, 4), ("ABA-SEM", "C"): (312_540.8, 61),
          ("ABA-SEM", "D"): (41_022.7, 3), ("ABA-KUR", "B"): (9_870.2, 1),
          ("ABA-KUR", "C"): (6_112.5, 5), ("ABA-KUR", "D"): (2_940.0, 2),
          ("AKM-KOK", "B"): (3_215.9, 2), ("AKM-KOK", "C"): (154_302.6, 48),
          ("AKM-KOK", "D"): (22_118.3, 4), ("AKM-STE", "B"): (187_654.0, 3),
          ("AKM-STE", "C"): (58_930.1, 9), ("AKM-STE", "D"): (11_402.8, 1),
          ("KAR-KAR", "B"): (95_430.5, 6), ("KAR-KAR", "C"): (402_118.9, 87),
          ("KAR-KAR", "D"): (64_870.2, 5), ("KAR-TEM", "B"): (12_004.3, 2),
          ("KAR-TEM", "C"): (1_215_660.4, 14), ("KAR-TEM", "D"): (38_205.6, 2)}


def output_basis():
    """The basis of the demo's regional output table: an .xlsx with a ``basis`` sheet
    and a sheet per classification (labels in three languages)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "basis"
    sheet.append(["region", "activity", "value", "respondents"])
    for (region, activity), (value, respondents) in OUTPUT.items():
        sheet.append([region, activity, value, respondents])
    for name, rows in (("region", DISTRICTS), ("activity", SECTIONS)):
        dim = book.create_sheet(name)
        dim.append(["code", "parent", "label", "label_kk", "label_ru", "label_en"])
        for code, parent, label in rows:
            dim.append([code, parent, label["en"], label["kk"], label["ru"], label["en"]])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def output_tables():
    """The protected pivot in each language, made from the basis as the portal makes it."""
    from statportal.confidentiality.basis import read_basis
    from statportal.disclosure import MinimumFrequency
    from statportal.disclosure.output import xlsx_bytes
    from statportal.disclosure.protect import protect

    data = output_basis()
    table = read_basis("output_2026_10.basis.xlsx", data)
    status = protect(table, [MinimumFrequency()]).status
    return data, {lang: xlsx_bytes(table, status, "region", "activity", lang)
                  for lang in ("kk", "ru", "en")}


def demo_materials():
    """(section path, fields, uploads, earlier version or None) of each demo material."""
    industry_cols = [T("2025 ж. қаңтар–қазан, %", "январь–октябрь 2025, %",
                       "January–October 2025, %"),
                     T("2026 ж. қаңтар–қазан, %", "январь–октябрь 2026, %",
                       "January–October 2026, %")]
    cpi_cols = [T("Алдыңғы айға, %", "К предыдущему месяцу, %", "On previous month, %"),
                T("Өткен жылдың желтоқсанына, %", "К декабрю прошлого года, %",
                  "On December of last year, %")]
    labour_cols = [T("Жұмыссыздар, мың адам", "Безработные, тыс. человек",
                     "Unemployed, thousand persons"),
                   T("Жұмыссыздық деңгейі, %", "Уровень безработицы, %",
                     "Unemployment rate, %")]
    bulletin_title = T("Қазақстан халқының саны", "Численность населения Казахстана",
                       "Population of Kazakhstan")
    bulletin_lines = {
        "kk": ["2026 жылғы 1 қазандағы жағдай бойынша халық саны 20 438,2 мың адам.",
               "Қала халқы – 12 625,4 мың, ауыл халқы – 7 812,8 мың адам."] * 12,
        "ru": ["Численность населения на 1 октября 2026 года — 20 438,2 тыс. человек.",
               "Городское население — 12 625,4 тыс., сельское — 7 812,8 тыс. человек."] * 12,
        "en": ["The population on 1 October 2026 was 20,438.2 thousand.",
               "Urban population 12,625.4 thousand, rural 7,812.8 thousand."] * 12,
    }
    today = date(2026, 11, 20)
    output_basis_data, output_files = output_tables()
    return [
        ("/official-statistics/economy/industry", {
            "category": "latest_data",
            "title": T("Өнеркәсіп өнімінің көлемі өңірлер мен қызмет түрлері бойынша, "
                       "2026 жылғы қаңтар–қазан",
                       "Объём промышленной продукции по регионам и видам деятельности, "
                       "январь–октябрь 2026 года",
                       "Industrial output by region and activity, January–October 2026"),
            "description": T("Млн теңге. Бір кәсіпорынның деректері X белгісімен жасырылған "
                             "(22–23-тармақтар).",
                             "Млн тенге. Данные единственного предприятия скрыты знаком X "
                             "(пп. 22–23).",
                             "Million tenge. Data of a sole enterprise are hidden as X "
                             "(art. 22–23)."),
            "period_start": date(2026, 1, 1), "period_end": date(2026, 10, 31),
            "next_update": date(2026, 12, 15), "keywords": {
                "kk": ("өнеркәсіп", "аудандар"), "ru": ("промышленность", "районы"),
                "en": ("industry", "districts")},
            "unit": "/orgunits/industry-statistics", "executor": "Әйгерім Сейітова",
            "primary_data": True,
            "bases": [_upload("output_2026_10.basis.xlsx", output_basis_data, None)],
        }, [_upload(f"output_2026_10_{lang}.xlsx", output_files[lang], lang)
            for lang in ("kk", "ru", "en")], None),
        ("/official-statistics/economy/industry", {
            "category": "express_information",
            "title": T("Өнеркәсіп өндірісінің индексі, 2026 жылғы қаңтар–қазан",
                       "Индекс промышленного производства, январь–октябрь 2026 года",
                       "Industrial production index, January–October 2026"),
            "description": T("Өңірлер бойынша нақты көлем индексі, өткен жылдың сәйкес "
                             "кезеңіне пайызбен.",
                             "Индекс физического объёма по регионам, в процентах к "
                             "соответствующему периоду прошлого года.",
                             "Volume index by region, per cent of the same period of the "
                             "previous year."),
            "period_start": date(2026, 1, 1), "period_end": date(2026, 10, 31),
            "next_update": date(2026, 12, 15), "keywords": {
                "kk": ("өнеркәсіп",), "ru": ("промышленность",), "en": ("industry",)},
            "unit": "/orgunits/industry-statistics", "executor": "Әйгерім Сейітова",
            "primary_data": False,
            "primary_data_reason": "Indices computed from the published regional output "
                                   "totals, whose basis is checked with that material",
        }, [_upload(f"industry_2026_10_{lang}.xlsx",
                    _table(lang, industry_cols, _industry_rows()), lang)
            for lang in ("kk", "ru", "en")], None),
        ("/official-statistics/economy/prices", {
            "category": "latest_data",
            "title": T("Тұтыну бағаларының индексі, 2026 жылғы қазан",
                       "Индекс потребительских цен, октябрь 2026 года",
                       "Consumer price index, October 2026"),
            "description": T("Тауарлар мен қызметтерге бағалардың өзгеруі.",
                             "Изменение цен на товары и услуги.",
                             "Change in the prices of goods and services."),
            "period_start": date(2026, 10, 1), "period_end": date(2026, 10, 31),
            "next_update": date(2026, 12, 1), "keywords": {
                "kk": ("инфляция", "бағалар"), "ru": ("инфляция", "цены"),
                "en": ("inflation", "prices")},
            "unit": "/orgunits/industry-statistics", "executor": "Әйгерім Сейітова",
            "primary_data": False,
            "primary_data_reason": "Prices registered by the office's own price collectors "
                                   "in shops: no respondent's data",
        }, [_upload(f"cpi_2026_10_{lang}.xlsx", _table(lang, cpi_cols, _cpi_rows(), False),
                    lang) for lang in ("kk", "ru", "en")],
            [_upload(f"cpi_2026_10_{lang}.xlsx",
                     _table(lang, cpi_cols, _cpi_rows(-0.1), False), lang)
             for lang in ("kk", "ru", "en")]),
        ("/official-statistics/social/labour", {
            "category": "press_release",
            "title": T("2026 жылғы III тоқсандағы жұмыссыздық деңгейі",
                       "Уровень безработицы в III квартале 2026 года",
                       "Unemployment rate, third quarter of 2026"),
            "description": T("Жұмыссыздық деңгейі 4,7% болды.",
                             "Уровень безработицы составил 4,7%.",
                             "The unemployment rate was 4.7%."),
            "body": T("2026 жылғы III тоқсанда жұмыссыздар саны 437,2 мың адам болды.\n\n"
                      "Жұмыссыздық деңгейі алдыңғы тоқсанмен салыстырғанда өзгерген жоқ.",
                      "В III квартале 2026 года численность безработных составила 437,2 тыс. "
                      "человек.\n\nУровень безработицы не изменился по сравнению с "
                      "предыдущим кварталом.",
                      "In the third quarter of 2026 there were 437.2 thousand unemployed."
                      "\n\nThe unemployment rate was unchanged on the previous quarter."),
            "period_start": date(2026, 7, 1), "period_end": date(2026, 9, 30),
            "next_update": date(2027, 2, 15), "keywords": {
                "kk": ("жұмыссыздық",), "ru": ("безработица",), "en": ("unemployment",)},
            "primary_data": False,
            "primary_data_reason": "Weighted estimates of the labour force survey for the "
                                   "whole country: no cell of a few respondents",
        }, [_upload(f"labour_2026_q3_{lang}.xlsx",
                    _table(lang, labour_cols, _labour_rows(), False), lang)
            for lang in ("kk", "ru", "en")]
           + [_upload("labour_2026_q3_chart.png", _chart([4.9, 4.8, 4.7, 4.7]), "en")], None),
        ("/official-statistics/social/population", {
            "category": "bulletin",
            "title": bulletin_title,
            "description": T("2026 жылғы 1 қазандағы жағдай бойынша.",
                             "По состоянию на 1 октября 2026 года.",
                             "As of 1 October 2026."),
            "period_start": date(2026, 1, 1), "period_end": date(2026, 9, 30),
            "next_update": today + timedelta(days=70), "keywords": {
                "kk": ("халық",), "ru": ("население",)},
        }, [_upload(f"population_2026_10_{lang}.pdf",
                    _pdf(lang, bulletin_title, bulletin_lines[lang]), lang)
            for lang in ("kk", "ru")], None),  # English file missing: in the report
    ]


def add_demo_materials(registry, portal):
    from statportal.confidentiality.declaration import declaration_comment
    from statportal.content.registry import get_content_registry
    from statportal.files import StoredFile
    from statportal.materials.catalog import get_catalog
    from statportal.workflow import fire, note, request_for

    content = get_content_registry(registry)
    for path, fields, uploads, earlier in demo_materials():
        section = find_by_path(portal, path)
        material = content.create("Material", title=fields.pop("title"),
                                  description=fields.pop("description"),
                                  category=fields.pop("category"), creator="yerlan")
        material.body = fields.pop("body", {})
        material.bases = [StoredFile.from_upload(u) for u in fields.pop("bases", ())]
        declaration = {key: fields.pop(key) for key in ("primary_data", "primary_data_reason")
                       if key in fields}
        for key, value in fields.items():
            setattr(material, key, value)
        first = earlier or uploads
        material.files.extend(StoredFile.from_upload(u) for u in first)
        section.add(name_from_title({"en": material.title["en"].split(",")[0]}, section,
                                    section.reserved_names), material)
        if declaration:  # every table has its basis, or the reason it needs none
            for key, value in declaration.items():
                setattr(material, key, value)
            note(material, "primary_data", declaration_comment(material), actor="yerlan")
        # the moderator's Publish, with its checks and events (published_at, the catalog)
        fire(request_for(registry), material, "publish", system="yerlan")
        material.published_at = utcnow() - timedelta(days=len(material.title["en"]) % 9)
        if earlier is not None:
            material.new_version(material.title, [StoredFile.from_upload(u) for u in uploads],
                                 "2026-000042")
            material.published_at = utcnow()
        get_catalog(portal).index(material)
