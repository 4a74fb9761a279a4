"""Flask extensions, created unbound; `create_app` binds them to an app."""

from functools import cached_property

from flask import g, has_app_context
from flask_babel import Babel, Domain, get_locale
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class RequestDomain(Domain):
    """Flask-Babel's domain finds the locale's catalogue again for every string (a project page
    translates ~460); this one keeps it on the request's context, tied to the locale it is for (so a
    locale forced mid-request still gets its own)."""

    def get_translations(self):
        if not has_app_context():
            return super().get_translations()
        locale, kept = get_locale(), g.get("_i18n_catalogue")
        if kept is not None and kept[0] is locale:
            return kept[1]
        translations = super().get_translations()
        g._i18n_catalogue = (locale, translations)
        return translations


class RequestBabel(Babel):
    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = RequestBabel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address)
