"""What the demo modules share: a text in the portal's three languages."""


def T(kk, ru, en):  # noqa: N802 (reads as a table)
    return {"kk": kk, "ru": ru, "en": en}
