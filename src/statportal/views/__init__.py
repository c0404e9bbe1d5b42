"""The HTML face: layout, content pages and forms, login, sharing, admin pages."""

import os

import deform
from deform import Form
from deform.template import ZPTRendererFactory
from pyramid.events import BeforeRender
from pyramid.i18n import get_localizer
from pyramid.threadlocal import get_current_request

from statportal.i18n import negotiate_locale
from statportal.interfaces import ILayoutCache
from statportal.views.layout import Layout, LayoutCache


def add_layout(event):
    request = event.get("request")
    if request is not None and "layout" not in event:
        event["layout"] = Layout(event.get("context"), request)


def _deform_translator(term):
    request = get_current_request()
    if request is None:
        return term
    return get_localizer(request).translate(term)


def configure_deform():
    """deform renders with statportal's overrides first, translated per request."""
    search_path = (
        os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates", "deform"),
        os.path.join(os.path.dirname(deform.__file__), "templates"),
    )
    Form.set_default_renderer(ZPTRendererFactory(search_path, translator=_deform_translator))


def includeme(config):
    config.add_translation_dirs("colander:locale", "deform:locale", "statportal:locale")
    config.set_locale_negotiator(negotiate_locale)
    config.add_static_view("static", "statportal:static", cache_max_age=3600)
    # deform's own scripts (jQuery, deform.js: its widgets' inline callbacks, a sequence's
    # add and remove), loaded by templates/form.pt
    config.add_static_view("static-deform", "deform:static", cache_max_age=3600)
    config.add_subscriber(add_layout, BeforeRender)
    config.registry.registerUtility(LayoutCache(), ILayoutCache)
    configure_deform()
    config.scan("statportal.views")
