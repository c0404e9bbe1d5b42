"""The categories of information materials (art. 4.1): a material's, and so the placement
request's that brings it. Kept with the materials, which the other features build on."""

from statportal.i18n import _

CATEGORIES = ("latest_data", "press_release", "express_information", "bulletin", "compilation")
CATEGORY_TITLES = {
    "latest_data": _("Latest data"), "press_release": _("Press release"),
    "express_information": _("Express information"), "bulletin": _("Bulletin"),
    "compilation": _("Compilation"),
}
