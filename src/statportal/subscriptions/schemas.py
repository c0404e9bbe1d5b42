"""One schema for a subscription, the form's (deform) and the JSON's
(``POST /@subscriptions``): ``email``, ``sections`` (paths), ``categories``,
``indicators`` (ids), ``calendar``, ``language`` and ``frequency``. Bound with
``request`` and ``choices`` (``choices.Choices``): an unknown section, category or
indicator is refused naming its field, and so is a choice of nothing at all."""

import colander
import deform.widget

from statportal.i18n import LANGUAGE_NAMES, _
from statportal.subscriptions.addresses import AddressError, normalise
from statportal.subscriptions.resources import FREQUENCIES, LANGUAGES

FREQUENCY_TITLES = {"immediate": _("At the moment of each release"),
                    "daily": _("Once a day, in a digest")}
INTERESTS = ("sections", "categories", "indicators", "calendar")


def _email(node, value):
    try:
        normalise(value)
    except AddressError as exc:
        raise colander.Invalid(node, exc.message) from None


def _known(field):
    @colander.deferred
    def validator(node, kw):
        allowed = kw["choices"].allowed(field)

        def check(node, value):
            unknown = sorted(set(value) - allowed)
            if unknown:
                raise colander.Invalid(node, _(
                    "Not one of the choices: ${values}.",
                    mapping={"values": ", ".join(v[:100] for v in unknown[:5])}))
        return check
    return validator


def _widget(field, depth=False):
    @colander.deferred
    def widget(node, kw):
        items = getattr(kw["choices"], field)
        values = [(item[0], ("\u00a0\u00a0" * item[2] if depth else "") + item[1])
                  for item in items]
        return deform.widget.CheckboxChoiceWidget(values=values)
    return widget


@colander.deferred
def _language_default(node, kw):
    locale = getattr(kw.get("request"), "locale_name", None)
    return locale if locale in LANGUAGES else LANGUAGES[0]


def _chose_something(node, value):
    if not any(value.get(name) for name in INTERESTS):
        exc = colander.Invalid(node)
        exc["sections"] = _("Choose at least one section, category, indicator or the "
                            "release calendar.")
        raise exc


class TextSet(colander.Set):
    """A set of texts: anything else (an object, a number in the list) is refused with its
    field, not left to ``set()`` to fail on (a 500)."""

    def deserialize(self, node, cstruct):
        if cstruct is not colander.null and (
                not isinstance(cstruct, (list, tuple, set, frozenset))
                or not all(isinstance(value, str) for value in cstruct)):
            raise colander.Invalid(node, _("A list of texts is expected."))
        return super().deserialize(node, cstruct)


def _set(field, title, depth=False):
    return colander.SchemaNode(TextSet(), name=field, title=title, missing=(),
                               validator=_known(field), widget=_widget(field, depth))


def subscription_schema():
    schema = colander.SchemaNode(colander.Mapping(), validator=_chose_something)
    schema.add(colander.SchemaNode(
        colander.String(), name="email", title=_("E-mail"), validator=_email,
        preparer=lambda value: value.strip() if isinstance(value, str) else value,
        widget=deform.widget.TextInputWidget(attributes={"type": "email",
                                                         "autocomplete": "email"})))
    schema.add(_set("sections", _("Sections (with their sub-sections)"), depth=True))
    schema.add(_set("categories", _("Categories")))
    schema.add(_set("indicators", _("Taldau indicators")))
    schema.add(colander.SchemaNode(colander.Boolean(), name="calendar", missing=False,
                                   title=_("Release calendar"),
                                   # the text beside the box (deform's checkbox.pt)
                                   label=_("A message when a release's time is moved "
                                           "or a release is cancelled."),
                                   widget=deform.widget.CheckboxWidget()))
    schema.add(colander.SchemaNode(
        colander.String(), name="language", title=_("Language of the messages"),
        missing=_language_default, default=_language_default,
        validator=colander.OneOf(LANGUAGES),
        widget=deform.widget.RadioChoiceWidget(
            values=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])))
    schema.add(colander.SchemaNode(
        colander.String(), name="frequency", title=_("How often"), missing="immediate",
        default="immediate", validator=colander.OneOf(FREQUENCIES),
        widget=deform.widget.RadioChoiceWidget(
            values=[(code, FREQUENCY_TITLES[code]) for code in FREQUENCIES])))
    return schema


def choice_schema():
    """The manage page's: the same without the address (its token names it)."""
    schema = subscription_schema()
    del schema["email"]
    return schema


def cleaned(appstruct):
    """The validated appstruct as the store takes it (the address normalised, lists sorted)."""
    data = dict(appstruct)
    if "email" in data:
        data["email"] = normalise(data["email"])
    for name in ("sections", "categories", "indicators"):
        data[name] = sorted(data.get(name) or ())
    return data
