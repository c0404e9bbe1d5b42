"""An add-on that adds roles: Auditor joins the staff and office groups; Visitor joins none."""


def includeme(config):
    config.add_role("Auditor", "Auditor", "Reads the office's plan and calendars.",
                    groups=("staff", "office"))
    config.add_role("Visitor", "Visitor")
