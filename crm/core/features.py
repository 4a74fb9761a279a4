"""The one registration hook: each feature declares what it adds to the app, and the app factory
registers every feature the same way. Core knows the shape of a feature, never a feature itself.

A feature package (`crm/<feature>/`) exposes `feature = Feature(...)` in `crm/<feature>/feature.py`
with its blueprints, navigation entries, template globals and filters, the sections it adds to the
project page, and a `setup(app)` for anything else (e.g. connecting to another feature's signals).
Audited models name themselves in the history with a `__record_label__`. `crm/features.py` lists the features in layer order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, Flask, current_app


@dataclass(frozen=True)
class NavEntry:
    """A main-menu item; `visible(user)` hides it from users it is not for."""

    endpoint: str | None  # None: planned, shown greyed out
    title: str
    order: int
    visible: Callable[[object], bool] = lambda user: True


@dataclass(frozen=True)
class ProjectSection:
    """A section of the project page: a template included with the context `context(actor, project)`,
    in the page's main column (`slot="main"`) or among the header's buttons (`slot="actions"`). On phones a main section folds behind its `title`."""

    template: str
    context: Callable[[object, object], dict]
    order: int
    slot: str = "main"
    title: str = ""  # a msgid (N_): the section's fold-out title on phones


@dataclass
class Feature:
    name: str
    blueprints: tuple[Blueprint, ...] = ()
    nav: tuple[NavEntry, ...] = ()
    template_globals: dict = field(default_factory=dict)
    template_filters: dict = field(default_factory=dict)
    project_sections: tuple[ProjectSection, ...] = ()
    setup: Callable[[Flask], None] | None = None


@dataclass
class Registry:
    nav: list[NavEntry] = field(default_factory=list)
    project_sections: list[ProjectSection] = field(default_factory=list)


def register_features(app: Flask, features: list[Feature]) -> None:
    registry = Registry()
    for feature in features:
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)
        registry.nav.extend(feature.nav)
        registry.project_sections.extend(feature.project_sections)
        app.jinja_env.globals.update(feature.template_globals)
        app.jinja_env.filters.update(feature.template_filters)
        if feature.setup is not None:
            feature.setup(app)
    registry.nav.sort(key=lambda entry: entry.order)
    registry.project_sections.sort(key=lambda section: section.order)
    app.extensions["crm.registry"] = registry


def registry() -> Registry:
    return current_app.extensions["crm.registry"]
