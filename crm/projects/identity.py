"""Investor identity: USCC check digits and normalised company names (DOMAIN.md §3)."""

from __future__ import annotations

import re
import unicodedata

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from crm.core.i18n import N_

# Longest first, so 有限责任公司 is removed whole rather than leaving 有限责任.
_LEGAL_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "股份公司", "公司",
                   "co.,ltd.", "co.,ltd", "co.ltd", "ltd.", "ltd", "inc.", "inc", "corp.", "corp")
_BRACKETS_AND_SPACES = re.compile(r"[\s()\[\]{}（）【】〔〕《》<>·・,，.。、'\"-]+")


def normalise_company_name(name: str) -> str:
    """One spelling per company: full-width → half-width, no spaces or brackets, no legal suffix."""
    text = unicodedata.normalize("NFKC", name or "").lower().strip()
    text = _BRACKETS_AND_SPACES.sub("", text)
    for suffix in _LEGAL_SUFFIXES:
        bare = _BRACKETS_AND_SPACES.sub("", suffix)
        if text.endswith(bare) and len(text) > len(bare):
            text = text[: -len(bare)]
            break
    return text


def clean_uscc(value: str | None) -> str | None:
    """The USCC in canonical form, None when blank; raises ValueError with a reason when invalid."""
    if value is None or not str(value).strip():
        return None
    try:
        return uscc.validate(unicodedata.normalize("NFKC", str(value)).strip().upper())
    except InvalidLength:
        raise ValueError(N_("统一社会信用代码应为 18 位。")) from None
    except InvalidChecksum:
        raise ValueError(N_("统一社会信用代码校验位不正确，请核对。")) from None
    except StdnumError:
        raise ValueError(N_("统一社会信用代码格式不正确。")) from None
