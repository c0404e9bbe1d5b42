"""An integrator's disclosure validator: no published cell above a ceiling."""

from statportal.workflow import Finding


def ceiling(settings):
    limit = float(settings.get("disclosure_ext.ceiling", 900))

    def check(check):
        return [Finding(f"{check.cell_text(key)} is above {limit:g}", field="files",
                        code="above_ceiling", location=check.location(key))
                for key, shown in check.shown.cells.items() if shown != "X" and shown > limit]
    return check


def includeme(config):
    config.add_disclosure_validator("ceiling", ceiling)
